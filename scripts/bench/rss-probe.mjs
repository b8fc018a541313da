// Preloaded (--import) into a benchmarked CLI process: at exit, writes the process's peak resident set size (KiB) to
// the file INGRESS2GW_BENCH_RSS names. Costs one tiny module at start.
import {writeFileSync} from 'node:fs'

const file = process.env.INGRESS2GW_BENCH_RSS
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)))
