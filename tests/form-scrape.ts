/**
 * What a browser would send for a page's form as it stands: every named input, ticked box,
 * chosen option and text area, in the form whose action is given. For tests that post a form back
 * without a browser.
 */
const unescape = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')

const attribute = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)
  return m ? unescape(m[1]!) : null
}

export function scrapeForm(html: string, action: string): [string, string][] {
  const start = html.indexOf(`action="${action}"`)
  if (start < 0) throw new Error(`no form posting to ${action}`)
  const end = html.indexOf('</form>', start)
  const form = html.slice(start, end)
  const fields: [string, string][] = []
  const controls =
    /<input\b[^>]*>|<textarea\b[^>]*>[\s\S]*?<\/textarea\s*>|<select\b[^>]*>[\s\S]*?<\/select>/g
  for (const [control] of form.matchAll(controls)) {
    const name = attribute(control, 'name')
    if (!name) continue
    if (control.startsWith('<input')) {
      const type = attribute(control, 'type') ?? 'text'
      if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(control)) continue
      fields.push([name, attribute(control, 'value') ?? (type === 'checkbox' ? 'on' : '')])
    } else if (control.startsWith('<textarea')) {
      // A browser drops the one line break that follows the opening tag.
      const body = /<textarea\b[^>]*>\n?([\s\S]*?)<\/textarea/.exec(control)![1]!
      fields.push([name, unescape(body)])
    } else {
      const options = [...control.matchAll(/<option\b[^>]*>/g)].map((m) => m[0])
      const chosen = options.find((o) => /\sselected\b/.test(o)) ?? options[0]
      if (chosen) fields.push([name, attribute(chosen, 'value') ?? ''])
    }
  }
  return fields
}
