import type { ImageReference } from '../../../src/core/evidence.js'
import { isDebugTag, isDistroless } from './image.js'

/** Packages that give an intruder a foothold: shells, compilers, debuggers, downloaders. */
const toolingPackages: { pattern: RegExp; what: string }[] = [
  { pattern: /^(bash|zsh|ksh|mksh|tcsh|dash|busybox|busybox-static)$/, what: 'shell' },
  { pattern: /^(gcc|g\+\+|gcc-c\+\+|cpp|clang|tcc|gfortran)(-[\d.]+)?$/, what: 'compiler' },
  {
    pattern:
      /^(build-essential|build-base|make|cmake|automake|autoconf|libtool|binutils|musl-dev|libc6-dev|libc-dev|glibc-devel)$/,
    what: 'build toolchain',
  },
  { pattern: /^(gdb|strace|ltrace|valgrind|bpftrace|linux-perf|perf)$/, what: 'debugger' },
  {
    pattern:
      /^(curl|wget|netcat|netcat-openbsd|netcat-traditional|ncat|nc|socat|nmap|nmap-ncat|tcpdump|telnet|openssh-client|ssh)$/,
    what: 'network tool',
  },
  { pattern: /^git$/, what: 'version control client' },
]

/** What kind of tooling a package is, or undefined for an ordinary runtime package. */
export function classifyPackage(name: string): string | undefined {
  return toolingPackages.find((entry) => entry.pattern.test(name.toLowerCase()))?.what
}

/** Shell binaries, for spotting `COPY --from=busybox /bin/busybox …` into a minimal image. */
export function isShellBinary(path: string): boolean {
  const base = path.replace(/\/+$/, '').slice(path.replace(/\/+$/, '').lastIndexOf('/') + 1)
  return /^(sh|bash|ash|dash|zsh|busybox)$/.test(base)
}

/**
 * The directories an OS image keeps its shell in (`/bin`, `/usr/bin`, `/usr`, the sbin ones), copied
 * whole (`COPY --from=busybox /bin/ /bin/`), or the whole filesystem (`/`); a glob inside them
 * (`/bin/*`) copies the same.
 */
export function isShellDirectory(path: string): boolean {
  const clean = `/${path.split('/').filter(Boolean).join('/')}`.replace(/\/\*$/, '')
  return /^\/(usr(\/s?bin)?|s?bin)?$/.test(clean)
}

export type BaseFamily = 'debian' | 'alpine' | 'rhel' | 'busybox' | 'distroless-debug' | 'unknown'

/** What a non-minimal base image ships, and which files removing its shell and package manager means. */
export interface BaseProfile {
  family: BaseFamily
  /** How messages name the base: `Debian`, `Alpine Linux`. */
  label: string
  shells: string[]
  packageManagers: string[]
  /** Compilers and build tools the base itself ships; removing the shell does not remove these. */
  toolchain: string[]
  /** Each requirement is met when every path of any one alternative is removed. */
  shellRemoval: string[][]
  packageManagerRemoval: string[][]
}

const debianNames = new Set([
  'debian',
  'ubuntu',
  'node',
  'python',
  'ruby',
  'perl',
  'php',
  'golang',
  'rust',
  'gcc',
  'buildpack-deps',
  'openjdk',
  'eclipse-temurin',
  'maven',
  'gradle',
  'nginx',
  'httpd',
  'redis',
  'postgres',
  'mongo',
  'elixir',
  'erlang',
  'bun',
])
const rhelNames = new Set([
  'fedora',
  'centos',
  'rockylinux',
  'almalinux',
  'amazonlinux',
  'oraclelinux',
  'amazoncorretto',
  'ubi',
  'ubi8',
  'ubi9',
  'ubi-minimal',
  'ubi8-minimal',
  'ubi9-minimal',
])
/** Official images whose default (non-slim, non-alpine) variant is built on buildpack-deps. */
const buildpackBased = new Set(['node', 'python', 'ruby', 'perl', 'buildpack-deps'])

function shortName(image: ImageReference): string {
  return image.repository.slice(image.repository.lastIndexOf('/') + 1).toLowerCase()
}

function familyOf(image: ImageReference): BaseFamily {
  const name = shortName(image)
  const tag = (image.tag ?? '').toLowerCase()
  if (isDistroless(image) && isDebugTag(image)) return 'distroless-debug'
  if (name === 'busybox') return 'busybox'
  if (name.includes('alpine') || tag.includes('alpine')) return 'alpine'
  if (rhelNames.has(name) || name.startsWith('ubi') || /\b(ubi\d*|al2\d*|amazonlinux)\b/.test(tag))
    return 'rhel'
  if (debianNames.has(name) || /(slim|bookworm|bullseye|buster|trixie|jammy|noble|focal)/.test(tag))
    return 'debian'
  return 'unknown'
}

function toolchainOf(image: ImageReference, family: BaseFamily): string[] {
  const name = shortName(image)
  const tag = (image.tag ?? '').toLowerCase()
  const fullVariant = family === 'debian' && !tag.includes('slim')
  if (name === 'golang') return fullVariant ? ['go', 'gcc', 'make', 'git'] : ['go']
  if (name === 'rust') return ['rustc', 'cargo', 'gcc']
  if (name === 'gcc') return ['gcc', 'make']
  if (name === 'maven' || name === 'gradle') return [name === 'maven' ? 'mvn' : 'gradle', 'javac']
  if (
    (name === 'openjdk' || name === 'eclipse-temurin' || name === 'amazoncorretto') &&
    !tag.includes('jre')
  ) {
    return ['javac', 'jdb (debugger)']
  }
  if (buildpackBased.has(name) && fullVariant) return ['gcc', 'make', 'git', 'curl', 'wget']
  return []
}

/** Describes what a base image that is not minimal ships. */
export function profileBase(image: ImageReference): BaseProfile {
  const family = familyOf(image)
  const toolchain = toolchainOf(image, family)
  switch (family) {
    case 'debian':
      return {
        family,
        label: shortName(image) === 'ubuntu' ? 'Ubuntu' : 'Debian',
        shells: ['bash', 'sh'],
        packageManagers: ['apt', 'dpkg'],
        toolchain,
        shellRemoval: [['/bin/sh', '/bin/bash', '/bin/dash']],
        packageManagerRemoval: [['/bin/apt', '/bin/apt-get', '/bin/dpkg']],
      }
    case 'alpine':
      return {
        family,
        label: 'Alpine Linux',
        shells: ['busybox sh'],
        packageManagers: ['apk'],
        toolchain,
        shellRemoval: [['/bin/busybox'], ['/bin/sh', '/bin/ash']],
        packageManagerRemoval: [['/sbin/apk']],
      }
    case 'rhel':
      return {
        family,
        label: 'a Red Hat family distribution',
        shells: ['bash', 'sh'],
        packageManagers: ['dnf/yum/microdnf', 'rpm'],
        toolchain,
        shellRemoval: [['/bin/sh', '/bin/bash']],
        packageManagerRemoval: [
          ['/bin/rpm', '/bin/dnf'],
          ['/bin/rpm', '/bin/yum'],
          ['/bin/rpm', '/bin/microdnf'],
        ],
      }
    case 'busybox':
      return {
        family,
        label: 'BusyBox',
        shells: ['busybox sh'],
        packageManagers: [],
        toolchain,
        shellRemoval: [['/bin/busybox']],
        packageManagerRemoval: [],
      }
    case 'distroless-debug':
      return {
        family,
        label: 'a distroless :debug tag',
        shells: ['busybox sh at /busybox/sh'],
        packageManagers: [],
        toolchain,
        shellRemoval: [['/busybox/sh', '/busybox/busybox']],
        packageManagerRemoval: [],
      }
    case 'unknown':
      return {
        family,
        label: 'an image not known to be minimal',
        shells: [],
        packageManagers: [],
        toolchain,
        shellRemoval: [],
        packageManagerRemoval: [],
      }
  }
}
