/**
 * The words of the model for people: band, stage, journey and segment labels in the page's
 * language (the server picks them for the request's Accept-Language), the id where the model
 * has no label.
 */
import type { ComponentChildren } from 'preact'
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { ModelInfo } from './types.js'

export interface Labels {
  band(id: string): string
  stage(id: string): string
  journey(id: string): string
  segment(id: string): string
  committee(id: string): string
  /** Loads the model's labels again (after a publish). */
  reload(): void
}

type Named = readonly { id: string; label: string | null }[] | undefined

function lookup(list: Named): (id: string) => string {
  const byId = new Map((list ?? []).map((x) => [x.id, x.label ?? x.id]))
  return (id) => byId.get(id) ?? id
}

/** The labels of a model (ids where it has none, or while it loads). */
export function labelsOf(model: ModelInfo | undefined, reload: () => void = () => undefined): Labels {
  return {
    band: lookup(model?.bands),
    stage: lookup(model?.stages),
    journey: lookup(model?.journey),
    segment: lookup(model?.segments),
    committee: lookup(model?.committee),
    reload,
  }
}

const LabelsContext = createContext<Labels>(labelsOf(undefined))

export function LabelsProvider({ labels, children }: { labels: Labels; children: ComponentChildren }) {
  return <LabelsContext.Provider value={labels}>{children}</LabelsContext.Provider>
}

export function useLabels(): Labels {
  return useContext(LabelsContext)
}
