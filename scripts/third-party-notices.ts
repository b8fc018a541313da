/**
 * THIRD-PARTY-NOTICES.txt: the licence texts of every npm package whose code a bundle carries. The bundles
 * (dist/bundle for npm, dist/sea for the single executables) copy oclif, @kubernetes/client-node, js-yaml and the
 * rest into our own files, and their licences (MIT, Apache-2.0, ISC, BSD) ask that their notices travel with every
 * copy; package.json's `files` ships no node_modules, so the notices have to be shipped beside the bundle.
 * The packages come from esbuild's metafile (the inputs it actually put into an output), not from package.json.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {compareStrings} from '../src/util/hash.js'

/** Beside each bundle and in each release archive: the licences of the npm packages whose code it carries. */
export const NOTICES_FILE = 'THIRD-PARTY-NOTICES.txt'
/**
 * Node.js's own LICENSE (Node's MIT licence and those of the libraries Node carries: V8, OpenSSL, ICU, libuv...), from
 * the official Node package a single executable embeds, under this name in each release archive.
 */
export const NODE_LICENSE_FILE = 'NODE-LICENSE.txt'

/** `node_modules/a/node_modules/@s/b/lib/x.js` -> `node_modules/a/node_modules/@s/b`: the innermost package holding a file. */
export function packageDirOf(input: string): string | undefined {
  const at = input.lastIndexOf('node_modules/')
  if (at < 0) return undefined
  const rest = input.slice(at + 'node_modules/'.length).split('/')
  const depth = rest[0].startsWith('@') ? 2 : 1
  if (rest.length <= depth) return undefined
  return input.slice(0, at) + 'node_modules/' + rest.slice(0, depth).join('/')
}

/** Licence, copying and notice files, as packages name them (LICENSE, LICENSE.md, LICENCE-MIT, COPYING, NOTICE). */
const NOTICE_FILE = /^(?:licen[cs]e|copying|notice)(?:[.-][\w.-]*)?$/i

interface BundledPackage {
  name: string
  version: string
  license: string
  texts: {file: string; text: string}[]
}

function readPackage(root: string, dir: string): BundledPackage {
  const pjson = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {name?: string; version?: string; license?: unknown; licenses?: unknown}
  const declared = pjson.license ?? pjson.licenses
  const license = typeof declared === 'string' ? declared : JSON.stringify(declared ?? 'UNKNOWN')
  const files = readdirSync(join(root, dir)).filter((f) => NOTICE_FILE.test(f)).sort(compareStrings)
  return {
    name: pjson.name ?? dir,
    version: pjson.version ?? '',
    license,
    texts: files.map((file) => ({file, text: readFileSync(join(root, dir, file), 'utf8').replace(/\r\n/g, '\n').trimEnd()})),
  }
}

/**
 * The packages that `inputs` (metafile input paths, relative to root) come from, each once by name and version, in
 * name order. A file esbuild read from a folder without its own package.json (a package's `lib/package.json` marking
 * ESM) counts for the package above it.
 */
export function bundledPackages(root: string, inputs: Iterable<string>): BundledPackage[] {
  const dirs = new Set<string>()
  for (const input of inputs) {
    const dir = packageDirOf(input)
    if (dir !== undefined) dirs.add(dir)
  }
  const byId = new Map<string, BundledPackage>()
  for (const dir of dirs) {
    if (!existsSync(join(root, dir, 'package.json'))) throw new Error(`third-party notices: ${dir} has no package.json`)
    const pkg = readPackage(root, dir)
    byId.set(`${pkg.name}@${pkg.version}`, pkg)
  }
  return [...byId.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, pkg]) => pkg)
}

const RULE = '='.repeat(78)

/** The notices file for `inputs`: one section per package with its declared licence and every licence file's text. */
export function thirdPartyNotices(root: string, inputs: Iterable<string>, what: string): string {
  const packages = bundledPackages(root, inputs)
  const out = [
    `Third-party software in ${what}`,
    '',
    `${what} contains code from the following ${packages.length} npm packages, under their own licences, reproduced below.`,
    '',
  ]
  for (const pkg of packages) {
    out.push(RULE, `${pkg.name} ${pkg.version} (${pkg.license})`, RULE, '')
    if (pkg.texts.length === 0) out.push(`(the package ships no licence file; package.json declares ${pkg.license})`, '')
    for (const {file, text} of pkg.texts) out.push(...(pkg.texts.length > 1 ? [`--- ${file}`, ''] : []), text, '')
  }
  return out.join('\n')
}
