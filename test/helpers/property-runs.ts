/** How many runs a property test makes: its default, or FC_RUNS for a deeper local search. */
export function propertyRuns(fallback: number): number {
  const requested = Number(process.env['FC_RUNS']);
  return Number.isInteger(requested) && requested > 0 ? requested : fallback;
}
