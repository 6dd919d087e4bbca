import { createRouter, createWebHashHistory } from 'vue-router'
import CompareView from './views/CompareView.vue'
import DatasetsView from './views/DatasetsView.vue'
import DatasetView from './views/DatasetView.vue'
import ExperimentEditor from './views/ExperimentEditor.vue'
import ExperimentsView from './views/ExperimentsView.vue'
import QueueView from './views/QueueView.vue'
import RunView from './views/RunView.vue'
import RunsView from './views/RunsView.vue'
import SettingsView from './views/SettingsView.vue'
import SweepNew from './views/SweepNew.vue'
import SweepsView from './views/SweepsView.vue'
import SweepView from './views/SweepView.vue'

// Hash history: the same build works from file:// in Electron and over HTTP in serve mode.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/experiments' },
    { path: '/experiments', component: ExperimentsView },
    { path: '/experiments/new', component: ExperimentEditor },
    { path: '/experiments/:id', component: ExperimentEditor, props: true },
    { path: '/runs', component: RunsView },
    { path: '/runs/:id', component: RunView, props: true },
    { path: '/compare', component: CompareView },
    { path: '/sweeps', component: SweepsView },
    { path: '/sweeps/new', component: SweepNew },
    { path: '/sweeps/:id', component: SweepView, props: true },
    { path: '/datasets', component: DatasetsView },
    { path: '/datasets/:id', component: DatasetView, props: true },
    { path: '/queue', component: QueueView },
    { path: '/settings', component: SettingsView }
  ]
})
