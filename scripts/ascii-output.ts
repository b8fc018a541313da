/**
 * Makes esbuild's output pure ASCII. esbuild escapes non-ASCII characters in strings and identifiers (charset
 * "ascii", its default) but keeps the comments it preserves and regular expression literals as written: a `µ` in a
 * regex of ours, a `…` in a doc comment, a `—` in the Kubernetes client's comments, a C1 control character in a regex
 * of oclif's colour library. One such character makes Node read the whole file as a two-byte string: decoding the
 * Kubernetes client's 14 MB chunk took 115-128 ms instead of 59-61 ms (TextDecoder, Node 20), and the translator's
 * chunk twice what an ASCII one takes, at every start that loads them.
 *
 * Each remaining non-ASCII UTF-16 code unit becomes `\uXXXX` where that means the same: in a comment (no meaning),
 * a regular expression literal (the escape matches the same code unit, or with the u/v flag a pair of escaped
 * surrogates the same code point) or a string literal. Anywhere else (a template literal's raw text, an identifier,
 * whitespace) the build fails and names the place, rather than guess.
 */
import ts from 'typescript'

const NON_ASCII = /[^\x00-\x7f]/g
const hex4 = (unit: number) => unit.toString(16).toUpperCase().padStart(4, '0')

/** The token or trivia a character sits in, as an error message names it. */
function describe(kind: ts.SyntaxKind): string {
  if (kind >= ts.SyntaxKind.FirstTemplateToken && kind <= ts.SyntaxKind.LastTemplateToken) return 'a template literal'
  if (kind === ts.SyntaxKind.Identifier || kind === ts.SyntaxKind.PrivateIdentifier) return 'an identifier'
  if (kind === ts.SyntaxKind.WhitespaceTrivia) return 'whitespace'
  return ts.SyntaxKind[kind]
}

/** Where a character may be escaped: the token or trivia holding it. */
type Context = 'comment' | 'regex' | 'string' | 'other'

function contextAt(source: ts.SourceFile, pos: number): [Context, string] {
  let node: ts.Node = source
  for (;;) {
    const child: ts.Node | undefined = node.forEachChild((c) => (c.pos <= pos && pos < c.end ? c : undefined))
    if (child === undefined) break
    node = child
  }
  // A token (identifier, literal, keyword) holds the character itself unless it sits in the token's leading trivia.
  if (node.kind <= ts.SyntaxKind.LastToken && pos >= node.getStart(source)) {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) return ['regex', 'a regular expression']
    if (node.kind === ts.SyntaxKind.StringLiteral) return ['string', 'a string literal']
    return ['other', describe(node.kind)]
  }
  // Between the node's children lie only trivia and tokens that are no nodes (punctuation, keywords): scan them from
  // the end of the last child before the character.
  let from = node.pos
  node.forEachChild((c) => {
    if (c.end <= pos) from = c.end
  })
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, source.text, undefined, from)
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (scanner.getTokenEnd() <= pos) continue
    const comment = token === ts.SyntaxKind.SingleLineCommentTrivia || token === ts.SyntaxKind.MultiLineCommentTrivia
    return comment ? ['comment', 'a comment'] : ['other', describe(token)]
  }
  return ['other', 'the end of the file']
}

/** U+2028 and U+2029: line terminators, which an escape would turn into plain characters. */
const isLineSeparator = (unit: number) => unit === 0x2028 || unit === 0x2029

/**
 * The ASCII text for one non-ASCII code unit in its context, with the run of backslashes right before it. A backslash
 * before the character (an odd run) escapes it, which means the character itself in a regex without the u flag or a
 * string: `\µ` becomes `\u00B5`, not `\\u00B5` (a backslash, then "u00B5"). A line separator is no character but a
 * line break: in a multi-line comment it makes the comment a line break (`return /*<U+2028>*\/ 1` returns undefined),
 * so it becomes a newline; in a string after a backslash it is a line continuation, which adds nothing.
 */
function escapeUnit(unit: number, slashes: string, context: Context): string {
  const escaping = slashes.length % 2 === 1
  if (isLineSeparator(unit) && context === 'comment') return `${slashes}\n`
  if (isLineSeparator(unit) && context === 'string' && escaping) return slashes.slice(1)
  return `${escaping ? slashes.slice(1) : slashes}\\u${hex4(unit)}`
}

/** The text with every non-ASCII code unit escaped, or an error naming the first one that cannot be. */
export function asciiOnly(text: string, fileName: string): string {
  const positions = [...text.matchAll(NON_ASCII)].map((m) => m.index)
  if (positions.length === 0) return text
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS)
  const contexts = positions.map((pos) => {
    const [context, what] = contextAt(source, pos)
    if (context === 'other') {
      const {line, character} = source.getLineAndCharacterOfPosition(pos)
      throw new Error(`${fileName}:${line + 1}:${character + 1}: non-ASCII character U+${hex4(text.charCodeAt(pos))} in ${what}, where an escape would change the meaning`)
    }
    return context
  })
  let ascii = ''
  let done = 0
  positions.forEach((pos, i) => {
    let start = pos
    while (start > done && text.charCodeAt(start - 1) === 0x5c) start--
    ascii += text.slice(done, start) + escapeUnit(text.charCodeAt(pos), text.slice(start, pos), contexts[i])
    done = pos + 1
  })
  return ascii + text.slice(done)
}
