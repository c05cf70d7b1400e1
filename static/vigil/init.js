// Start the NHS.UK frontend components (header menu, buttons, error summary...).
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'

initAll()
