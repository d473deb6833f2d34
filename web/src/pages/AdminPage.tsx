import { type FormEvent, useState } from 'react'
import type { ApiToken, AuditPeriod, Role, User } from '../../../src/server/contract/types'
import { request } from '../api'
import { ErrorMessage, Loading, Notice } from '../components/Feedback'
import { Secret } from '../components/Hash'
import { PageTitle } from '../components/PageTitle'
import { formatTime, roles } from '../labels'
import { useSession } from '../session'
import { useApi } from '../use-api'

/** People sign in with every role but collector; collectors use tokens. */
/** Roles a person may hold: collector roles are for tokens only. */
const userRoles = () => roles().filter((r) => r !== 'collector')

function periodOf(from: string, to: string): AuditPeriod | undefined {
  return from !== '' && to !== '' ? { from, to } : undefined
}

function AuditPeriodFields({
  idBase,
  from,
  to,
  setFrom,
  setTo,
}: {
  idBase: string
  from: string
  to: string
  setFrom: (v: string) => void
  setTo: (v: string) => void
}) {
  return (
    <fieldset>
      <legend>Audit period (auditors)</legend>
      <label htmlFor={`${idBase}-from`}>Period from</label>
      <input id={`${idBase}-from`} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      <label htmlFor={`${idBase}-to`}>Period to</label>
      <input id={`${idBase}-to`} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
    </fieldset>
  )
}

function AddUserForm({ onAdded }: { onAdded: () => void }) {
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [role, setRole] = useState<Role>('editor')
  const [password, setPassword] = useState('')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [error, setError] = useState<unknown>(undefined)
  const [notice, setNotice] = useState<string | undefined>(undefined)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setError(undefined)
    const auditPeriod = periodOf(from, to)
    const body = { email, name, role, password, ...(auditPeriod !== undefined ? { auditPeriod } : {}) }
    request('/api/users', { method: 'POST', body }).then(() => {
      setNotice(`Added ${email}.`)
      setEmail('')
      setName('')
      setPassword('')
      onAdded()
    }, setError)
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-labelledby="add-user-heading">
      <h3 id="add-user-heading">Add a user</h3>
      <label htmlFor="user-email">Email</label>
      <input id="user-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      <label htmlFor="user-name">Name</label>
      <input id="user-name" required value={name} onChange={(e) => setName(e.target.value)} />
      <label htmlFor="user-role">Role</label>
      <select id="user-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {userRoles().map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
      <label htmlFor="user-password">Initial password</label>
      <input
        id="user-password"
        type="password"
        autoComplete="new-password"
        required
        minLength={12}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {role === 'auditor' ? (
        <AuditPeriodFields idBase="user-period" from={from} to={to} setFrom={setFrom} setTo={setTo} />
      ) : null}
      <ErrorMessage error={error} />
      <button type="submit">Add user</button>
      <Notice text={notice} />
    </form>
  )
}

function UsersSection() {
  const { me } = useSession()
  const users = useApi<{ items: User[] }>('/api/users')
  const [error, setError] = useState<unknown>(undefined)
  const change = (user: User, patch: Partial<Pick<User, 'role' | 'disabled'>>) => {
    setError(undefined)
    request(`/api/users/${user.id}`, { method: 'PATCH', body: patch }).then(users.reload, setError)
  }
  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading">Users</h2>
      <ErrorMessage error={users.error ?? error} />
      {users.loading && users.data === undefined ? <Loading /> : null}
      {users.data === undefined ? null : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Audit period</th>
              <th scope="col">Created</th>
              <th scope="col">Account</th>
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((user) => (
              <tr key={user.id}>
                <th scope="row">
                  {user.name}
                  <div className="muted small">{user.email}</div>
                </th>
                <td>
                  <label className="visually-hidden" htmlFor={`role-${user.id}`}>
                    Role of {user.email}
                  </label>
                  <select
                    id={`role-${user.id}`}
                    value={user.role}
                    onChange={(e) => change(user, { role: e.target.value as Role })}
                  >
                    {userRoles().map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>
                  {user.auditPeriod !== undefined
                    ? `${user.auditPeriod.from} to ${user.auditPeriod.to}`
                    : '—'}
                </td>
                <td>
                  <time className="nowrap">{formatTime(user.createdAt)}</time>
                </td>
                <td>
                  {user.disabled === true ? 'Disabled ' : 'Active '}
                  {/* Nobody locks themselves out by a slip of the mouse. */}
                  {user.id === me.user.id ? null : (
                    <button type="button" onClick={() => change(user, { disabled: user.disabled !== true })}>
                      {user.disabled === true ? `Enable ${user.email}` : `Disable ${user.email}`}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddUserForm onAdded={users.reload} />
    </section>
  )
}

function TokensSection() {
  const tokens = useApi<{ items: ApiToken[] }>('/api/tokens')
  const [name, setName] = useState('')
  const [role, setRole] = useState<Role>('collector')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [created, setCreated] = useState<{ name: string; secret: string } | undefined>(undefined)
  const [error, setError] = useState<unknown>(undefined)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setError(undefined)
    const auditPeriod = periodOf(from, to)
    const body = { name, role, ...(auditPeriod !== undefined ? { auditPeriod } : {}) }
    request<{ token: ApiToken; secret: string }>('/api/tokens', { method: 'POST', body }).then((answer) => {
      setCreated({ name: answer.token.name, secret: answer.secret })
      setName('')
      tokens.reload()
    }, setError)
  }
  const revoke = (token: ApiToken) => {
    setError(undefined)
    request(`/api/tokens/${token.id}`, { method: 'DELETE' }).then(tokens.reload, setError)
  }
  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <ErrorMessage error={tokens.error ?? error} />
      {created !== undefined ? (
        <div className="callout" role="status">
          <p>
            Token <strong>{created.name}</strong> created. Copy it now: it is shown only once and cannot be
            read again.
          </p>
          <Secret value={created.secret} />{' '}
          <button type="button" className="link-button" onClick={() => setCreated(undefined)}>
            I have copied it
          </button>
        </div>
      ) : null}
      {tokens.data === undefined ? null : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.items.map((token) => (
              <tr key={token.id}>
                <th scope="row">{token.name}</th>
                <td>{token.role}</td>
                <td>
                  <time className="nowrap">{formatTime(token.createdAt)}</time> by {token.createdBy}
                </td>
                <td>
                  <time className="nowrap">{formatTime(token.lastUsedAt)}</time>
                </td>
                <td>
                  {token.revoked ? (
                    'Revoked'
                  ) : (
                    <button type="button" onClick={() => revoke(token)}>
                      Revoke {token.name}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="inline-form" onSubmit={submit} aria-labelledby="add-token-heading">
        <h3 id="add-token-heading">Create a token</h3>
        <label htmlFor="token-name">Token name</label>
        <input id="token-name" required value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="token-role">Token role</label>
        <select id="token-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {roles().map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        {role === 'auditor' ? (
          <AuditPeriodFields idBase="token-period" from={from} to={to} setFrom={setFrom} setTo={setTo} />
        ) : null}
        <button type="submit">Create token</button>
      </form>
    </section>
  )
}

export function AdminPage() {
  return (
    <>
      <PageTitle title="Admin">Admin</PageTitle>
      <UsersSection />
      <TokensSection />
    </>
  )
}
