/** The `report --format` names and help, from the reporter registry, without loading any renderer. */
export { reportFormats, reportFormatsHelp } from '../reports/report-formats.js'
