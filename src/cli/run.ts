import { main } from './main.js'
import { compilesValidators, runsACommand } from './validation-mode.js'

const argv = process.argv.slice(2)
// Before any command module is imported: zod reads this setting when each schema is built.
if (runsACommand(argv) && !compilesValidators(argv)) (await import('zod')).config({ jitless: true })
process.exitCode = await main(argv)
