import { PageTitle } from '../components/PageTitle'
import { Link } from '../router'

export function NotFoundPage() {
  return (
    <>
      <PageTitle title="Not found">Not found</PageTitle>
      <p>There is no page at this address, or your role cannot open it.</p>
      <p>
        <Link to="/">Go to the overview</Link>
      </p>
    </>
  )
}
