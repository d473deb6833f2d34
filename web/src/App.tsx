import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react'
import type { Me, Overview, Permission } from '../../src/server/contract/types'
import { ApiError, loadMe, request, setUnauthenticatedHandler, signOut } from './api'
import { ErrorMessage, Loading } from './components/Feedback'
import { Layout } from './components/Layout'
import { AccessReviewsPage } from './pages/AccessReviewsPage'
import { AdminPage } from './pages/AdminPage'
import { ControlPage } from './pages/ControlPage'
import { ControlsPage } from './pages/ControlsPage'
import { FindingsPage } from './pages/FindingsPage'
import { GapsPage } from './pages/GapsPage'
import { LoginPage } from './pages/LoginPage'
import { NotFoundPage } from './pages/NotFoundPage'
import { OverviewPage } from './pages/OverviewPage'
import { PackagesPage } from './pages/PackagesPage'
import { PoliciesPage } from './pages/PoliciesPage'
import { ResponsibilityPage } from './pages/ResponsibilityPage'
import { RunsPage } from './pages/RunsPage'
import { VendorsPage } from './pages/VendorsPage'
import { matchPath, navigate, useLocation } from './router'
import { SessionContext, sessionOf } from './session'

interface Route {
  pattern: string
  permission: Permission
  render(params: Record<string, string>): ReactNode
}

const routes: readonly Route[] = [
  { pattern: '/', permission: 'assessment:read', render: () => <OverviewPage /> },
  { pattern: '/controls', permission: 'assessment:read', render: () => <ControlsPage /> },
  {
    pattern: '/controls/:id',
    permission: 'assessment:read',
    // Keyed by id: another control's page starts empty rather than showing the last one meanwhile.
    render: (params) => <ControlPage key={params.id} id={params.id ?? ''} />,
  },
  { pattern: '/findings', permission: 'assessment:read', render: () => <FindingsPage /> },
  { pattern: '/gaps', permission: 'gaps:read', render: () => <GapsPage /> },
  { pattern: '/vendors', permission: 'assessment:read', render: () => <VendorsPage /> },
  { pattern: '/access-reviews', permission: 'assessment:read', render: () => <AccessReviewsPage /> },
  { pattern: '/policies', permission: 'assessment:read', render: () => <PoliciesPage /> },
  { pattern: '/responsibility', permission: 'assessment:read', render: () => <ResponsibilityPage /> },
  { pattern: '/runs', permission: 'assessment:read', render: () => <RunsPage /> },
  { pattern: '/packages', permission: 'assessment:read', render: () => <PackagesPage /> },
  { pattern: '/admin', permission: 'admin', render: () => <AdminPage /> },
]

/** Moves to another address after rendering (navigating during a render would update other components). */
function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to])
  return null
}

type AuthState = { kind: 'checking' } | { kind: 'anonymous' } | { kind: 'signed-in'; me: Me }

function Routed({ path, can }: { path: string; can: (p: Permission) => boolean }) {
  for (const route of routes) {
    const params = matchPath(route.pattern, path)
    if (params === undefined) continue
    // A page the role may not use is not offered at all; reaching it by address says so plainly.
    return can(route.permission) ? route.render(params) : <NotFoundPage />
  }
  return <NotFoundPage />
}

export function App() {
  const [auth, setAuth] = useState<AuthState>({ kind: 'checking' })
  const [startupError, setStartupError] = useState<unknown>(undefined)
  const [context, setContext] = useState<{ organization?: string; system?: string }>({})
  const { path } = useLocation()

  const check = useCallback(() => {
    loadMe().then(
      (me) => setAuth({ kind: 'signed-in', me }),
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) setAuth({ kind: 'anonymous' })
        else setStartupError(error)
      },
    )
  }, [])

  useEffect(() => {
    setUnauthenticatedHandler(() => setAuth({ kind: 'anonymous' }))
    check()
  }, [check])

  const me = auth.kind === 'signed-in' ? auth.me : undefined
  useEffect(() => {
    if (me === undefined || !me.permissions.includes('assessment:read')) return
    request<Overview>('/api/overview').then(
      (overview) => setContext({ organization: overview.organization, system: overview.system.name }),
      () => setContext({}),
    )
  }, [me])

  const session = useMemo(
    () =>
      me === undefined
        ? undefined
        : sessionOf(me, () => {
            signOut().finally(() => {
              setAuth({ kind: 'anonymous' })
              setContext({})
              navigate('/login')
            })
          }),
    [me],
  )

  if (auth.kind === 'checking') {
    return startupError === undefined ? (
      <main id="main">
        <Loading />
      </main>
    ) : (
      <main id="main">
        <h1>trustctl</h1>
        <ErrorMessage error={startupError} />
      </main>
    )
  }
  if (session === undefined) {
    return (
      <LoginPage
        onSignedIn={() => {
          if (path === '/login') navigate('/', { replace: true })
          check()
        }}
      />
    )
  }
  if (path === '/login') return <Redirect to="/" />
  return (
    <SessionContext.Provider value={session}>
      <Layout context={context}>
        <Routed path={path} can={session.can} />
      </Layout>
    </SessionContext.Provider>
  )
}
