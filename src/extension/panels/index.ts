export { WizardPanel } from './WizardPanel';
export { DetailsPanel } from './DetailsPanel';
export { registerPanelSerializers } from './serializers';
export type { PanelServices, PanelLogger, AzureBrowser } from './services';
