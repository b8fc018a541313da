import {noEffect} from './observability.js'
import type {ConfigMapFamily} from './types.js'

/** The Lua side of ingress-nginx (balancer, certificate and configuration dictionaries): nothing to carry over. */
export const luaFamily: ConfigMapFamily = {
  name: 'lua',
  specs: [noEffect('lua-shared-dicts', 'Sizes of the Lua shared dictionaries', '(built-in sizes)', 'sizes the Lua dictionaries of the nginx balancer and certificate store; Envoy has no Lua side to size', 'entries-dropped')],
}
