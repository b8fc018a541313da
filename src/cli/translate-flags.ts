/**
 * The oclif flags of the translate options, derived from their one declaration (translate/options.ts), and the
 * TranslateOptions a command's parsed flags give.
 */
import {Flags} from '@oclif/core'
import {optionsFromFlags, TRANSLATE_OPTIONS, type OptionDecl, type TranslateFlagName} from '../translate/options.js'
import type {TranslateOptions} from '../model/types.js'

function toFlag(decl: OptionDecl): any {
  const {shape, description} = decl
  const dflt = shape.default !== undefined ? {default: shape.default} : {}
  switch (shape.type) {
    case 'boolean':
      return Flags.boolean({description, ...(shape.allowNo ? {allowNo: true} : {}), ...(dflt as {default?: boolean})})
    case 'option':
      return Flags.option({options: shape.options, description, ...(dflt as {default?: string})})()
    case 'string':
      return shape.multiple ? Flags.string({description, multiple: true}) : Flags.string({description, ...(dflt as {default?: string})})
  }
}

/** `--gateway`, `--annotation-prefix`, ...: every translate option as an oclif flag, in declaration order. */
export const translateFlags = Object.fromEntries((TRANSLATE_OPTIONS as readonly OptionDecl[]).map((decl) => [decl.flag, toFlag(decl)])) as Record<TranslateFlagName, any>

/** The TranslateOptions of a command's parsed flags; a bad value throws with the message the CLI prints. */
export function translateOptionsOf(flags: Record<string, unknown>, generatorVersion: string): TranslateOptions {
  return {...optionsFromFlags(flags), generatorVersion}
}
