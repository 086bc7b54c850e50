/** The language of the dashboard, each language named in itself (`Español`, `Nederlands`). */
import { useState } from 'preact/hooks'
import { languages } from '../../../i18n/common.js'
import { isLocale, type Locale } from '../../../i18n/locale.js'
import { useT } from '../i18n.js'

const LANGUAGES = languages()

export function LanguagePicker({ onChange }: { onChange: (locale: Locale) => Promise<void> }) {
  const t = useT()
  const [busy, setBusy] = useState(false)
  const [failed, setFailed] = useState(false)
  return (
    <>
      <select
        class="language"
        aria-label={t.t('language.label')}
        title={failed ? t.t('language.notSaved') : t.t('language.label')}
        value={t.locale}
        disabled={busy}
        onChange={async (e) => {
          const locale = (e.target as HTMLSelectElement).value
          if (!isLocale(locale)) return
          setBusy(true)
          setFailed(false)
          try {
            await onChange(locale)
          } catch {
            setFailed(true)
          } finally {
            setBusy(false)
          }
        }}
      >
        {LANGUAGES.map((l) => (
          <option key={l.locale} value={l.locale} lang={l.locale}>
            {l.name}
          </option>
        ))}
      </select>
      {failed ? (
        <span class="neg small" role="alert">
          {t.t('language.notSaved')}
        </span>
      ) : null}
    </>
  )
}
