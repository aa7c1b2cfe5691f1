// The chart renderer lives with `npm run chart` (cli/chart/); tests import it from here.
export {
  mergeValues,
  renderChart,
  renderChartObjects,
  type RenderedFile,
  type RenderOptions,
} from '../../cli/chart/render-chart.ts';
export { ChartError } from '../../cli/chart/errors.ts';
