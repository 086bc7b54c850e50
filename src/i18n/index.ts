export { type CommonKey, commonCatalogs, languageName, languages } from './common.js'
export {
  DEFAULT_LOCALE,
  isLocale,
  LOCALES,
  type Locale,
  localeFromAcceptLanguage,
  localeOf,
  pickLocale,
} from './locale.js'
export {
  type Catalog,
  type Catalogs,
  createTranslator,
  type MessageValue,
  type MessageValues,
  type Translator,
} from './translator.js'
