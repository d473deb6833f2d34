import { PageTitle } from '../components/PageTitle'

export function ResponsibilityPage() {
  return (
    <>
      <PageTitle title="Responsibility">Responsibility</PageTitle>
      <p>
        Who carries each control: our team, a cloud provider, or both. Inherited controls rest on the
        provider's own report; shared ones need our part too.
      </p>
      <figure className="matrix">
        <img
          src="/api/matrix.svg"
          alt="Shared responsibility matrix: one row per control family, one column per service model in use; each cell says whether we, the provider, or both (shared) carry that family. The JSON linked below holds the same data."
        />
        <figcaption>
          The same figure as in the reports. <a href="/api/matrix">Open the matrix as JSON</a> for the full
          detail.
        </figcaption>
      </figure>
    </>
  )
}
