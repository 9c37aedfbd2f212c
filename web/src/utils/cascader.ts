// Element Plus puts aria-expanded on the cascader's text input without a role that allows it: give every
// cascader input on the page the combobox role and the attributes that go with it (axe clean). Its expanded
// nodes point aria-owns at menu ids that are not in the page: those references are dropped.
export function fixCascaderRoles() {
  document.querySelectorAll('.el-cascader-node[aria-owns]').forEach((n) => {
    const owned = n.getAttribute('aria-owns') ?? ''
    if (!owned.split(/\s+/).every((id) => id && document.getElementById(id))) n.removeAttribute('aria-owns')
  })
  document.querySelectorAll('.el-cascader input').forEach((i) => {
    i.setAttribute('role', 'combobox')
    i.setAttribute('aria-haspopup', 'listbox')
    if (!i.hasAttribute('aria-expanded')) i.setAttribute('aria-expanded', 'false')
    if (!i.hasAttribute('aria-controls')) i.setAttribute('aria-controls', `${i.id || 'cascader'}-panel`)
  })
}
