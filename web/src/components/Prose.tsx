import { proseRuns } from '../labels'

/** Text whose `backticked` spans (commands, keys, file names) are shown as inline code. */
export function Prose({ text }: { text: string }) {
  return (
    <>
      {proseRuns(text).map((run, i) =>
        // The runs of one text never reorder: their position is a stable key.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        run.code ? <code key={i}>{run.text}</code> : <span key={i}>{run.text}</span>,
      )}
    </>
  )
}
