/**
 * How many model elements (virtual hosts, route entries, filter chains, nginx servers, diagnostics) the per-probe
 * lookups examined. A test reads it to prove that routing one probe does not depend on how many unrelated hosts
 * the input has (verify must stay linear in the number of probes), without timing anything.
 */
export const probeWork = {examined: 0}

export function examine(count = 1): void {
  probeWork.examined += count
}
