/**
 * Version of what this parser makes of a file. Bump it whenever the same bytes would now give other
 * evidence or errors: parse results cached by earlier runs carry the old number and are parsed afresh.
 * Kept in a module of its own so the cache key is computed without loading the parser.
 */
export const parserVersion = 4
