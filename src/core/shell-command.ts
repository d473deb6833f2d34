import { z } from 'zod'
import { deferredSchema } from './deferred-schema.js'

/**
 * Shell commands as a real shell parser reads them: what a Dockerfile RUN or a CI script runs,
 * parsed once by the collectors so checks read words instead of re-tokenizing text.
 */

/** One word of a command after quote removal, with what the shell (or CI) fills in at run time. */
export const shellWordSchema = deferredSchema(() =>
  z.strictObject({
    /** The word as the shell sees it; expansions are kept in their source form (`$HOME`, `$(date)`). */
    text: z.string(),
    /** True when the word is the same on every run: no parameter, command or arithmetic expansion. */
    static: z.boolean(),
    /** Parameters the shell expands in the word (outside single quotes): `HOME` for `"$HOME/bin"`. */
    variables: z.array(z.string()),
    /** GitHub `${{ … }}` expressions substituted into the word before the shell sees it, as written. */
    expressions: z.array(z.string()),
  }),
)
/** One word of a parsed shell command. */
export type ShellWord = z.infer<typeof shellWordSchema>

/** How a command came to be parsed: written in the script, or a script handed to another shell. */
export const shellNestingSchema = deferredSchema(() =>
  z.enum(['script', 'subshell', 'command-substitution', 'shell-c', 'heredoc']),
)

/** A simple command, placed in its pipeline and and-or list. */
export const shellCommandSchema = deferredSchema(() =>
  z.strictObject({
    /** The command and its arguments; empty for a bare assignment (`A=1`). */
    words: z.array(shellWordSchema),
    /** `NAME=value` prefixes, and the operands of `export`/`declare`/`local`/`readonly`. */
    assignments: z.array(z.strictObject({ name: z.string(), value: shellWordSchema })),
    /** Redirections: the operator as written (`>`, `2>>`, `<<`) and its target or heredoc delimiter. */
    redirects: z.array(
      z.strictObject({
        op: z.string(),
        target: shellWordSchema,
        /** A heredoc's body; static with no variables when the delimiter is quoted (`<<'EOF'`). */
        heredoc: shellWordSchema.exactOptional(),
      }),
    ),
    /** Line in the script, 1-based. */
    line: z.number().int(),
    /** The and-or list it belongs to (`a && b || c` is one); numbered across the whole script. */
    list: z.number().int(),
    /** The pipeline it belongs to (`curl … | sh` is one); numbered across the whole script. */
    pipeline: z.number().int(),
    /** Position in its pipeline: 0 reads the pipeline's input, later ones read the previous command's output. */
    position: z.number().int(),
    /** For a pipeline's first command: the operator joining it to the previous pipeline of its list. */
    joinedBy: z.enum(['&&', '||']).exactOptional(),
    /** `script` for a command written in the script; otherwise how it got there. */
    nesting: shellNestingSchema,
    /** Index (in the same command list) of the command that runs this one: the `sh` of `sh -c "…"`. */
    parent: z.number().int().exactOptional(),
  }),
)
/** A simple command of a parsed shell script. */
export type ShellCommand = z.infer<typeof shellCommandSchema>

/** A script the collector parsed, or why it could not: checks that need its commands say no-evidence. */
export const shellScriptSchema = deferredSchema(() =>
  z.discriminatedUnion('parsed', [
    z.strictObject({ parsed: z.literal(true), commands: z.array(shellCommandSchema) }),
    z.strictObject({
      parsed: z.literal(false),
      /** Why: the parser's error, or the non-POSIX shell (cmd, PowerShell) that runs it. */
      reason: z.string(),
      /** Line in the script where parsing failed, when it did. */
      line: z.number().int().exactOptional(),
    }),
  ]),
)
/** A parsed shell script, or the reason it could not be parsed. */
export type ShellScript = z.infer<typeof shellScriptSchema>

/** The program a command runs, without its directory: `/usr/bin/apt-get` → `apt-get`. */
export function programOf(command: Pick<ShellCommand, 'words'>): string {
  const first = command.words[0]?.text ?? ''
  return first.slice(first.lastIndexOf('/') + 1)
}

/** Words that run the command after them and say nothing about it themselves. */
const wrappers = new Set(['sudo', 'env', 'exec', 'command', 'time', 'nohup', 'nice', 'xargs'])

/** The words from the program proper on: `sudo -E apt-get install x` → `apt-get install x`. */
export function commandWords(command: Pick<ShellCommand, 'words'>): ShellWord[] {
  const words = command.words
  const isOption = (word: ShellWord | undefined): boolean =>
    word !== undefined && (word.text.startsWith('-') || /^[A-Za-z_]\w*=/.test(word.text))
  let start = 0
  while (start < words.length && wrappers.has(programOf({ words: words.slice(start) }))) {
    start++
    // A wrapper's own options (`sudo -E`, `env -i A=1`) belong to it.
    while (isOption(words[start])) start++
  }
  return words.slice(start)
}
