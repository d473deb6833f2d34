// The parts of mvdan-sh (the GopherJS build of mvdan/sh, which ships no types) that trustctl uses.
declare module 'mvdan-sh' {
  /** A position in the parsed text: 1-based line and column, 0-based byte offset. */
  export interface Pos {
    Line(): number
    Col(): number
    Offset(): number
  }

  /**
   * Any syntax node. Which fields are set depends on `syntax.NodeType(node)`: `Stmts` on File,
   * Subshell, Block and CmdSubst; `Cmd`/`Redirs` on Stmt; `Op`/`X`/`Y` on BinaryCmd; `Assigns`/`Args`
   * on CallExpr (Args are Assigns on DeclClause); `Parts` on Word and DblQuoted; `Value` is a string
   * on Lit and SglQuoted and a Word on Assign; and so on for the compound commands.
   */
  export interface SyntaxNode {
    Pos(): Pos
    End(): Pos
    Stmts?: SyntaxNode[] | null
    Cmd?: SyntaxNode | null
    Redirs?: SyntaxNode[] | null
    Op?: number
    OpPos?: Pos
    X?: SyntaxNode | null
    Y?: SyntaxNode | null
    Assigns?: SyntaxNode[] | null
    Args?: SyntaxNode[] | null
    Parts?: SyntaxNode[] | null
    Value?: string | SyntaxNode | null
    Name?: SyntaxNode | null
    Naked?: boolean
    Variant?: SyntaxNode | null
    Param?: SyntaxNode | null
    Word?: SyntaxNode | null
    Hdoc?: SyntaxNode | null
    Cond?: SyntaxNode[] | null
    Then?: SyntaxNode[] | null
    Else?: SyntaxNode | null
    Do?: SyntaxNode[] | null
    Items?: SyntaxNode[] | null
    Body?: SyntaxNode | null
    Stmt?: SyntaxNode | null
  }

  export interface Parser {
    /** Parses a whole script; throws an error whose `Error()` is `name:line:col: message`. */
    Parse(text: string, name: string): SyntaxNode
  }

  export type ParserOption = (parser: Parser) => void

  const sh: {
    syntax: {
      NewParser(...options: ParserOption[]): Parser
      Variant(language: number): ParserOption
      KeepComments(keep: boolean): ParserOption
      LangBash: number
      LangPOSIX: number
      NodeType(node: SyntaxNode): string
    }
  }
  export default sh
}
