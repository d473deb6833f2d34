import { type FormEvent, useState } from 'react'
import { signIn } from '../api'
import { ErrorMessage } from '../components/Feedback'
import { PageTitle } from '../components/PageTitle'

export function LoginPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<unknown>(undefined)
  const [busy, setBusy] = useState(false)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    signIn(email, password).then(
      () => {
        setPassword('')
        onSignedIn()
      },
      (failure: unknown) => {
        setBusy(false)
        setError(failure)
      },
    )
  }

  return (
    <main id="main" className="login">
      <PageTitle title="Sign in">Sign in to trustctl</PageTitle>
      <form onSubmit={submit} className="stack" aria-describedby="login-hint">
        <p id="login-hint" className="muted">
          Use the account your trustctl administrator created for you.
        </p>
        <label htmlFor="login-email">Email</label>
        <input
          id="login-email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  )
}
