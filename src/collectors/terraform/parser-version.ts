/**
 * Versions of what the plan and template readers make of a file. Bump one whenever the same bytes
 * would now give other evidence or errors: parse results cached by earlier runs carry the old number
 * and are parsed afresh. Kept in a module of its own so the cache key is computed without loading
 * the parsers.
 */
export const planParserVersion = 1
export const cloudFormationParserVersion = 1
/** What the Terraform source reader makes of a module set (its `.tf` and tfvars files together). */
export const hclParserVersion = 1
