import type { PackageRow } from '../../../src/server/contract/types'
import { formatBytes } from '../labels'
import { Hash } from './Hash'

/** The files of one exported package, each a download with its size and SHA-256. */
export function PackageFiles({ pkg }: { pkg: PackageRow }) {
  return (
    <table>
      <caption className="visually-hidden">Files of package {pkg.id}</caption>
      <thead>
        <tr>
          <th scope="col">File</th>
          <th scope="col">Size</th>
          <th scope="col">SHA-256</th>
        </tr>
      </thead>
      <tbody>
        {pkg.files.map((file) => (
          <tr key={file.name}>
            <th scope="row">
              <a
                href={`/api/packages/${encodeURIComponent(pkg.id)}/files/${encodeURIComponent(file.name)}`}
                download
              >
                {file.name}
              </a>
            </th>
            <td className="num">{formatBytes(file.bytes)}</td>
            <td>
              <Hash value={file.sha256} label={`SHA-256 of ${file.name}`} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
