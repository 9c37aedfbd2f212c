import { describe, expect, it } from 'vitest'
import { flushPromises, mount as rawMount } from '@vue/test-utils'
import SpecForm, { type FormSpec } from './SpecForm.vue'

const spec: FormSpec = {
  fields: [
    { id: 'summary', label: '主导产品及技术简介', kind: 'long_text', required: true, max_len: 2000 },
    { id: 'contact', label: '联系人', kind: 'text', required: true },
    { id: 'staff', label: '研发人员数', kind: 'number', required: false, min: 0, max: 10000 },
    { id: 'since', label: '进入细分市场时间', kind: 'date', required: false },
    { id: 'scale', label: '企业类型', kind: 'choice', required: true, options: [{ value: 'a', label: '制造业' }, { value: 'b', label: '服务业' }] },
    { id: 'promise', label: '本企业承诺所填信息真实', kind: 'bool', required: true, must_be_true: true },
  ],
  evidence: [],
} as FormSpec

// Element Plus gives inputs their ids after mounting and shows errors through a transition.
async function mount(...args: Parameters<typeof rawMount<typeof SpecForm>>) {
  const w = rawMount(args[0], { ...args[1], global: { stubs: { transition: false, 'transition-group': false } } })
  await flushPromises()
  return w
}

describe('a tier form rendered from the API form specification', () => {
  it('renders one labelled control per field, whatever the tier', async () => {
    const w = await mount(SpecForm, { props: { spec, modelValue: {} } })
    for (const f of spec.fields) expect(w.text()).toContain(f.label)
    expect(w.find('textarea#field-summary').exists()).toBe(true)
    expect(w.find('input#field-contact').exists()).toBe(true)
    expect(w.findAll('.el-radio')).toHaveLength(2)
    expect(w.text()).toContain('本企业承诺以上内容属实')
    expect(w.find('label[for="field-contact"]').text()).toBe('联系人')
  })

  it('shows each server field error beside its field', async () => {
    const w = await mount(SpecForm, { props: { spec, modelValue: {}, errors: { contact: '请填写联系人', promise: '须勾选承诺' } } })
    const contact = w.find('[data-field="contact"]')
    expect(contact.classes()).toContain('is-error')
    expect(contact.text()).toContain('请填写联系人')
    expect(w.find('[data-field="promise"]').text()).toContain('须勾选承诺')
    expect(w.find('[data-field="summary"]').classes()).not.toContain('is-error')
  })

  it('emits the whole form with the changed answer', async () => {
    const w = await mount(SpecForm, { props: { spec, modelValue: { contact: '' } } })
    await w.find('input#field-contact').setValue('王云')
    const emitted = w.emitted('update:modelValue')!
    expect(emitted.at(-1)![0]).toEqual({ contact: '王云' })
  })

  it('is read-only when the declaration cannot be edited', async () => {
    const w = await mount(SpecForm, { props: { spec, modelValue: {}, readonly: true } })
    expect(w.find('input#field-contact').attributes('disabled')).toBeDefined()
  })
})
