// The module load floor of the start-up bench: imports the modules a command loaded (the file in
// argv[2], one URL a line, as bench/module-hooks.ts recorded them) and exits, doing none of the
// command's work. The CLI's entry files are left out: importing them would run the command.
import { readFileSync } from 'node:fs'

const entries = /\/(bin\/trustctl\.js|dist\/cli\/trustctl\.js|dist\/src\/cli\/run\.js)$/
const urls = [...new Set(readFileSync(process.argv[2] ?? '', 'utf8').split('\n'))].filter(
  (url) => url !== '' && !entries.test(url),
)
// JSON modules need their import attribute, as the modules that imported them gave it.
await Promise.all(
  urls.map((url) => (url.endsWith('.json') ? import(url, { with: { type: 'json' } }) : import(url))),
)
