// `node --import <this file> …`: records every module the command loads (bench/module-hooks.ts).
import { register } from 'node:module'

register('./module-hooks.js', import.meta.url)
