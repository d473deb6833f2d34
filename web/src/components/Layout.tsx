import type { ReactNode } from 'react'
import type { Permission } from '../../../src/server/contract/types'
import { Link, useLocation } from '../router'
import { useSession } from '../session'

export interface NavItem {
  to: string
  label: string
  permission: Permission
}

export const navItems: readonly NavItem[] = [
  { to: '/', label: 'Overview', permission: 'assessment:read' },
  { to: '/controls', label: 'Controls', permission: 'assessment:read' },
  { to: '/findings', label: 'Findings', permission: 'assessment:read' },
  { to: '/gaps', label: 'Gaps', permission: 'gaps:read' },
  { to: '/vendors', label: 'Vendors', permission: 'assessment:read' },
  { to: '/access-reviews', label: 'Access reviews', permission: 'assessment:read' },
  { to: '/policies', label: 'Policies', permission: 'assessment:read' },
  { to: '/responsibility', label: 'Responsibility', permission: 'assessment:read' },
  { to: '/runs', label: 'Runs', permission: 'assessment:read' },
  { to: '/packages', label: 'Packages', permission: 'assessment:read' },
  { to: '/admin', label: 'Admin', permission: 'admin' },
]

function isCurrent(item: NavItem, path: string): boolean {
  return item.to === '/' ? path === '/' : path === item.to || path.startsWith(`${item.to}/`)
}

/** Header (organisation, system, who is signed in), the navigation the role may use, and the page. */
export function Layout({
  context,
  children,
}: {
  context: { organization?: string; system?: string }
  children: ReactNode
}) {
  const session = useSession()
  const { path } = useLocation()
  const { user } = session.me
  const items = navItems.filter((item) => session.can(item.permission))
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="brand">
          <span className="product">trustctl</span>
          {context.organization !== undefined ? (
            <span className="org">
              {context.organization}
              {context.system !== undefined ? ` · ${context.system}` : ''}
            </span>
          ) : null}
        </div>
        <div className="who">
          <span>
            Signed in as <strong>{user.name || user.email}</strong> <span className="role">{user.role}</span>
          </span>
          <button type="button" onClick={session.signOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="site-nav" aria-label="Main">
        <ul>
          {items.map((item) => (
            <li key={item.to}>
              <Link to={item.to} aria-current={isCurrent(item, path) ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  )
}
