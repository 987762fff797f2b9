// Condition type-ahead for the search box: an enhancement only. Without JavaScript the box is a
// plain search field. As a word is typed, the conditions whose names it begins (in any writing:
// kanji, kana, English, an abbreviation) are offered in a <datalist>, which the browser shows
// and makes reachable by keyboard and screen readers; choosing one completes that word.
const minChars = 2
const waitMs = 120

for (const input of document.querySelectorAll('input.search-input[name="q"]')) {
  const list = document.createElement('datalist')
  list.id = `${input.id || 'q'}-conditions`
  input.after(list)
  input.setAttribute('list', list.id)
  const japanese = document.documentElement.lang === 'ja'
  let timer
  let pending

  input.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(() => suggest().catch(() => {}), waitMs)
  })

  async function suggest() {
    const value = input.value
    // The word being typed: what follows the last space (full-width spaces count).
    const word = /([^\s\u3000]+)$/u.exec(value)?.[1] ?? ''
    if ([...word].length < minChars) {
      list.replaceChildren()
      return
    }
    pending?.abort()
    pending = new AbortController()
    const url = `/api/v1/conditions?limit=8&q=${encodeURIComponent(word)}`
    const response = await fetch(url, { signal: pending.signal })
    if (!response.ok || input.value !== value) return
    const { items } = await response.json()
    const head = value.slice(0, value.length - word.length)
    const names = new Set()
    for (const item of items) {
      const name = japanese ? (item.names.ja ?? item.names.en) : (item.names.en ?? item.names.ja)
      if (name) names.add(head + name)
    }
    list.replaceChildren(
      ...[...names].map((text) => {
        const option = document.createElement('option')
        option.value = text
        return option
      }),
    )
  }
}
