/**
 * Renderer parts of probes, for outputs no generic panel can draw (`custom` outputs): by probe id, components
 * by panel name (props CustomSeriesViewerProps of src-renderer/outputs). Most probes need nothing here.
 */
import { defineAsyncComponent, type Component } from 'vue'

export interface ProbeView {
  id: string
  panels?: Record<string, Component>
}

const PROBE_VIEWS: ProbeView[] = [{ id: 'local-elasticity', panels: { 'elasticity-rows': defineAsyncComponent(() => import('../studies/elasticity/ElasticityRowsViewer.vue')) } }]

const BY_ID = new Map(PROBE_VIEWS.map((p) => [p.id, p]))

export function probeView(id: string): ProbeView | undefined {
  return BY_ID.get(id)
}
