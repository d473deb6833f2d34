import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { loadLabels, messageOf } from './api'
import './styles.css'

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root element')
const page = createRoot(root)
// Every status word on every page comes from the server's labels: load them before the first render.
loadLabels().then(
  () =>
    page.render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  (error: unknown) =>
    page.render(
      <main className="centered">
        <h1>trustctl</h1>
        <p role="alert">
          The trustctl server did not answer: {messageOf(error)}. Reload the page to try again.
        </p>
      </main>,
    ),
)
