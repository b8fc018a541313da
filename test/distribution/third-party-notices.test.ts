/**
 * The bundles copy npm packages' code into our own files, so their licences must ship beside them
 * (scripts/third-party-notices.ts): every package whose file esbuild put into dist/bundle is named with its version
 * and its licence files' text, and a package without a licence file or package.json is said so, not skipped.
 */
import test from 'ava'
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {bundledPackages, NOTICES_FILE, packageDirOf, thirdPartyNotices} from '../../scripts/third-party-notices.js'
import {tempDir} from '../support/cluster-helpers.js'
import {ROOT} from '../support/run-cli.js'

test('packageDirOf: the innermost package holding a file, scoped or not', (t) => {
  t.is(packageDirOf('node_modules/js-yaml/dist/js-yaml.mjs'), 'node_modules/js-yaml')
  t.is(packageDirOf('node_modules/@oclif/core/lib/index.js'), 'node_modules/@oclif/core')
  t.is(packageDirOf('node_modules/@oclif/core/node_modules/ansi-styles/index.js'), 'node_modules/@oclif/core/node_modules/ansi-styles')
  t.is(packageDirOf('node_modules/a/node_modules/@s/b/lib/x.js'), 'node_modules/a/node_modules/@s/b')
  t.is(packageDirOf('src/translate/index.ts'), undefined)
  t.is(packageDirOf('node_modules/loose-file.js'), undefined)
})

test('a package without a licence file is named with what package.json declares; one without package.json stops the build', (t) => {
  const root = tempDir(t, 'i2gw-notices-')
  mkdirSync(join(root, 'node_modules', 'bare', 'lib'), {recursive: true})
  writeFileSync(join(root, 'node_modules', 'bare', 'package.json'), JSON.stringify({name: 'bare', version: '1.2.3', license: 'MIT'}))
  mkdirSync(join(root, 'node_modules', '@s', 'two'), {recursive: true})
  writeFileSync(join(root, 'node_modules', '@s', 'two', 'package.json'), JSON.stringify({name: '@s/two', version: '0.1.0', license: 'Apache-2.0'}))
  writeFileSync(join(root, 'node_modules', '@s', 'two', 'LICENSE'), 'Apache text\r\n')
  writeFileSync(join(root, 'node_modules', '@s', 'two', 'NOTICE'), 'Copyright S\n')
  const text = thirdPartyNotices(root, ['node_modules/bare/lib/a.js', 'node_modules/bare/lib/b.js', 'node_modules/@s/two/x.js', 'src/ours.ts'], 'the test bundle')
  t.regex(text, /from the following 2 npm packages/)
  // Name order, each once, CRLF normalised, both files of a package with several.
  t.true(text.indexOf('@s/two 0.1.0 (Apache-2.0)') < text.indexOf('bare 1.2.3 (MIT)'))
  t.regex(text, /--- LICENSE\n\nApache text\n\n--- NOTICE\n\nCopyright S\n/)
  t.regex(text, /bare 1\.2\.3 \(MIT\)\n=+\n\n\(the package ships no licence file; package.json declares MIT\)/)
  t.throws(() => bundledPackages(root, ['node_modules/ghost/index.js']), {message: /node_modules\/ghost has no package.json/})
})

test('dist/bundle/THIRD-PARTY-NOTICES.txt names every npm package the bundle holds, with its licence text', (t) => {
  const notices = readFileSync(join(ROOT, 'dist', 'bundle', NOTICES_FILE), 'utf8')
  // The scripts' inputs as esbuild recorded them (scripts/bundle.ts writeBundleInputs), read independently of the notices.
  const inputs: Record<string, string[]> = JSON.parse(readFileSync(join(ROOT, 'dist', 'bundle-inputs.json'), 'utf8'))
  const dirs = new Set(Object.values(inputs).flat().map(packageDirOf).filter((d): d is string => d !== undefined))
  t.true(dirs.size > 20, `only ${dirs.size} packages found in the bundle's inputs`)
  for (const dir of dirs) {
    const pjson = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'))
    t.true(notices.includes(`\n${pjson.name} ${pjson.version} (`), `${pjson.name} ${pjson.version} missing`)
    const licence = readdirSync(join(ROOT, dir)).find((f) => /^licen[cs]e(\.md|\.txt)?$/i.test(f))
    if (licence) t.true(notices.includes(readFileSync(join(ROOT, dir, licence), 'utf8').replace(/\r\n/g, '\n').trimEnd()), `${pjson.name}'s ${licence} text missing`)
  }
  // The lazily loaded oclif dependencies (dist/bundle/lazy/NAME.cjs) are in the notices too.
  for (const file of readdirSync(join(ROOT, 'dist', 'bundle', 'lazy'))) t.regex(notices, new RegExp(`\\n${file.replace(/\.cjs$/, '').replace(/[.]/g, '\\.')} \\d`), file)
  t.regex(notices, /\n@kubernetes\/client-node \d+\.\d+\.\d+ \(Apache-2\.0\)\n/)
})
