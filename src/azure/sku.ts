/** `Standard_D4ds_v5` → 4, `Standard_B1ms` → 1, `GP_Gen5_8` → 8 (Single Server names end in the vCores). */
export function vCoresFromSkuName(name: string | undefined): number | undefined {
  if (!name) return undefined;
  const flex = /^Standard_[A-Z]+?(\d+)/i.exec(name);
  if (flex) return Number(flex[1]);
  const single = /_Gen\d+_(\d+)$/i.exec(name);
  if (single) return Number(single[1]);
  return undefined;
}
