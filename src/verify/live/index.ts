/** The live mode of verify, for the command: compareLive, the address parser and the renderers. */
export {parseDataPlaneAddress, type DataPlaneAddress} from './address.js'
export {compareLive, LIVE_DEFAULTS, type LiveOptions} from './compare-live.js'
export {SAFE_METHODS} from './request.js'
export {liveComparisonJson, renderLiveDifference, renderLivePlanes, renderLiveSummary, renderLiveText, renderLiveUnanswered} from './render.js'
export type {LiveAnswer, LiveComparison, LiveProbeResult, LiveResponse, LiveSummary} from './types.js'
