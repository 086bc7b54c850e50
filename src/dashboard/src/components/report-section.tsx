/** A report's card: its title, what it is doing while it loads, the API's error, then the report. */
import type { ComponentChildren } from 'preact'
import { useT } from '../i18n.js'
import type { Data } from '../use-data.js'
import { Card, ErrorBox, Loading } from './bits.js'

export function ReportSection<T>({
  title,
  name,
  data,
  loading,
  controls,
  children,
}: {
  title: string
  /** `data-report`, for tests. */
  name: string
  data: Data<T | undefined>
  /** What the server is doing, shown until the first answer (then "Updating"). */
  loading: string
  /** Inputs of this report only, above it. */
  controls?: ComponentChildren
  children: (value: T) => ComponentChildren
}) {
  const t = useT()
  const value = data.value
  return (
    <Card title={title}>
      {controls}
      <div aria-busy={data.loading} aria-live="polite" data-report={name}>
        {data.loading ? <Loading what={value === undefined ? loading : t.t('common.updating')} /> : null}
        <ErrorBox error={data.error} />
        {value !== undefined && !data.error ? children(value) : null}
      </div>
    </Card>
  )
}
