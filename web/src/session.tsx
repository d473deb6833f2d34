import { createContext, useContext } from 'react'
import type { Me, Permission } from '../../src/server/contract/types'

export interface Session {
  me: Me
  can(permission: Permission): boolean
  signOut(): void
}

export const SessionContext = createContext<Session | undefined>(undefined)

export function useSession(): Session {
  const session = useContext(SessionContext)
  if (session === undefined) throw new Error('useSession outside a signed-in page')
  return session
}

export function sessionOf(me: Me, signOut: () => void): Session {
  const granted = new Set(me.permissions)
  return { me, can: (permission) => granted.has(permission), signOut }
}
