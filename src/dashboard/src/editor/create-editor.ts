/**
 * The YAML editor of the model page: CodeMirror 6 with YAML highlighting, completion from
 * the model's JSON Schema, and the server's validation issues shown at their line.
 */
import { autocompletion, closeBrackets, completionKeymap } from '@codemirror/autocomplete'
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands'
import { yaml } from '@codemirror/lang-yaml'
import {
  bracketMatching,
  defaultHighlightStyle,
  foldGutter,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language'
import { type Diagnostic, lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint'
import { EditorState } from '@codemirror/state'
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view'
import type { ModelIssue } from '../types.js'
import { schemaCompletion } from './schema-completion.js'

export interface ModelEditor {
  readonly view: EditorView
  setSource(source: string): void
  showIssues(issues: readonly ModelIssue[]): void
  destroy(): void
}

export function createEditor(
  parent: HTMLElement,
  source: string,
  schema: Record<string, unknown>,
  onChange: (source: string) => void,
  /** The editor's accessible name, in the page's language. */
  label: string,
): ModelEditor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: source,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        foldGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        yaml(),
        EditorState.tabSize.of(2),
        EditorView.lineWrapping,
        autocompletion({ override: [schemaCompletion(schema)] }),
        lintGutter(),
        keymap.of([...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap, indentWithTab]),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange(u.state.doc.toString())
        }),
      ],
    }),
  })
  return {
    view,
    setSource(next) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } })
    },
    showIssues(issues) {
      const doc = view.state.doc
      const diagnostics: Diagnostic[] = issues.map((issue) => {
        const line = doc.line(Math.min(Math.max(issue.line ?? 1, 1), doc.lines))
        const from = Math.min(line.from + Math.max((issue.column ?? 1) - 1, 0), line.to)
        return {
          from,
          to: Math.max(line.to, from),
          severity: issue.severity === 'warning' ? 'warning' : 'error',
          message: `${issue.path ? `${issue.path}: ` : ''}${issue.message}${issue.hint ? ` (${issue.hint})` : ''}`,
        }
      })
      view.dispatch(setDiagnostics(view.state, diagnostics))
    },
    destroy() {
      view.destroy()
    },
  }
}
