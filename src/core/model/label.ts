/**
 * Labels of bands, stages, journey entries and segments in several languages: `label: Hot`, or
 * `label: { en: Hot, es: Caliente, nl: Heet }`. The ids stay the same in every language.
 * @module
 */

/**
 * The languages a label may be written in (the languages Leadscore speaks; the same list as
 * `LOCALES` in `src/i18n`, repeated here so that the core imports nothing outside itself).
 */
export const LABEL_LANGUAGES = ['en', 'es', 'nl'] as const
export type LabelLanguage = (typeof LABEL_LANGUAGES)[number]

/** A label per language: `{ en: Hot, es: Caliente, nl: Heet }`. At least one language. */
export type LocalizedText = Readonly<Partial<Record<LabelLanguage, string>>>

/** A label as the model writes it: one text for every language, or a text per language. */
export type Label = string | LocalizedText

/** A label as a map per language: a plain text is the English label (and every language's fallback). */
export function labelTexts(label: Label | undefined): LocalizedText {
  if (label === undefined) return {}
  return typeof label === 'string' ? { en: label } : label
}

/**
 * The text of a label in `language` (`es`, `es-MX`, `nl_NL.UTF-8`): that language's text, else
 * the English one, else undefined (the caller shows the id).
 */
export function labelIn(label: Label | LocalizedText | undefined, language: string): string | undefined {
  const texts = labelTexts(label)
  const wanted = language
    .trim()
    .split(/[-_.@]/)[0]
    ?.toLowerCase()
  const own = LABEL_LANGUAGES.find((l) => l === wanted)
  return (own === undefined ? undefined : texts[own]) ?? texts.en
}
