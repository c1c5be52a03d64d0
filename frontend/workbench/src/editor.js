// The workbench's SPARQL editor: CodeMirror 6 with the SPARQL mode, our prefixes, classes and properties
// completed from /query/vocabulary.json (nothing fetched from outside), Ctrl/Cmd+Enter to run, the missing
// PREFIX declaration added when a prefixed name is completed, and an error marked where it is.
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { Prec } from "@codemirror/state";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { autocompletion } from "@codemirror/autocomplete";
import { setDiagnostics } from "@codemirror/lint";

const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "UNION", "MINUS", "GRAPH", "BIND", "VALUES",
  "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "COUNT", "SAMPLE",
  "GROUP_CONCAT", "STR", "LANG", "LANGMATCHES", "CONTAINS", "STRSTARTS", "REGEX", "YEAR", "BOUND", "COALESCE", "IF",
  "NOT EXISTS", "EXISTS", "AS", "DESC", "ASC", "LCASE", "UCASE", "STRLEN", "FROM NAMED", "FROM"];

// The prefixes a query text declares: {prefix: namespace}.
export function declaredPrefixes(text) {
  const found = {};
  const re = /PREFIX\s+([\w-]*):\s*<([^>]*)>/gi;
  let m;
  while ((m = re.exec(text))) found[m[1]] = m[2];
  return found;
}

// Where a new PREFIX line goes: after the last PREFIX/BASE line at the top, else at the very start
// (after the leading comment lines, which a named query's header uses).
function prefixInsertPos(doc) {
  let pos = 0;
  for (let n = 1; n <= doc.lines; n++) {
    const line = doc.line(n);
    const text = line.text.trim();
    if (/^(PREFIX|BASE)\b/i.test(text) || text.startsWith("#") || text === "") {
      if (/^(PREFIX|BASE)\b/i.test(text) || text.startsWith("#")) pos = Math.min(line.to + 1, doc.length);
      continue;
    }
    break;
  }
  return pos;
}

// The change that declares `prefix:` if the text does not yet (null when it does or when we do not know it).
export function prefixChange(doc, prefix, prefixes) {
  const ns = prefixes[prefix];
  if (!ns || prefix in declaredPrefixes(doc.toString())) return null;
  const at = prefixInsertPos(doc);
  const before = at > 0 && doc.sliceString(at - 1, at) !== "\n" ? "\n" : "";
  return { from: at, insert: `${before}PREFIX ${prefix}: <${ns}>\n` };
}

// Insert a completion and, for a prefixed name, the PREFIX declaration it needs.
function applyWithPrefix(prefixes) {
  return (view, completion, from, to) => {
    const changes = [{ from, to, insert: completion.label }];
    const prefix = completion.label.split(":")[0];
    const extra = prefixChange(view.state.doc, prefix, prefixes);
    if (extra) changes.push(extra);
    const shift = extra && extra.from <= from ? extra.insert.length : 0;
    view.dispatch({ changes, selection: { anchor: from + shift + completion.label.length }, userEvent: "input.complete" });
  };
}

// vocab: {prefixes: {p: iri}, terms: [{iri, curie, label, kind}]}
function completer(vocab) {
  const prefixes = vocab.prefixes || {};
  const apply = applyWithPrefix(prefixes);
  const prefixOptions = Object.entries(prefixes).map(([p, iri]) => ({
    label: p + ":", type: "namespace", detail: iri, apply,
  }));
  const termOptions = (vocab.terms || []).map((t) => ({
    label: t.curie, type: t.kind === "class" ? "class" : "property", detail: t.label || "", info: t.iri, apply,
  }));
  const keywordOptions = KEYWORDS.map((k) => ({ label: k, type: "keyword" }));
  return (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    // PREFIX declarations: complete "PREFIX kp: <...>" lines.
    const decl = /PREFIX\s+([\w-]*)$/i.exec(before);
    if (decl) {
      return {
        from: context.pos - decl[1].length,
        options: Object.entries(prefixes).map(([p, iri]) => ({
          label: p + ":", apply: `${p}: <${iri}>`, type: "namespace", detail: iri,
        })),
      };
    }
    const word = context.matchBefore(/[\w-]*:?[\w-]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    if (word.text.includes(":")) return { from: word.from, options: termOptions, validFor: /^[\w-]*:?[\w-]*$/ };
    return { from: word.from, options: [...prefixOptions, ...termOptions, ...keywordOptions], validFor: /^[\w-]*$/ };
  };
}

export function createEditor(parent, doc, options) {
  const run = () => { options.onRun(); return true; };
  const prefixes = (options.vocabulary || {}).prefixes || {};
  const view = new EditorView({
    doc,
    parent,
    extensions: [
      Prec.highest(keymap.of([{ key: "Mod-Enter", run }, { key: "Shift-Enter", run }])),
      basicSetup,
      StreamLanguage.define(sparql),
      autocompletion({ override: [completer(options.vocabulary || {})], activateOnTyping: true }),
      EditorView.lineWrapping,
      EditorView.updateListener.of((u) => { if (u.docChanged && options.onChange) options.onChange(); }),
    ],
  });

  // Mark an error at a 1-based line and column (clamped to the text); `fix` is {name, prefix} for a missing PREFIX.
  function markError(lineNo, column, message, fix) {
    const d = view.state.doc;
    const line = d.line(Math.max(1, Math.min(lineNo, d.lines)));
    const at = Math.min(line.from + Math.max(column - 1, 0), line.to);
    // Underline the word around the position (the text up to the next space), at least one character.
    let from = at, to = at;
    while (from > line.from && /[\w:$?-]/.test(d.sliceString(from - 1, from))) from--;
    while (to < line.to && /[\w:$?-]/.test(d.sliceString(to, to + 1))) to++;
    if (from === to) { if (to < line.to) to++; else if (from > line.from) from--; }
    const actions = [];
    if (fix && fix.prefix && prefixes[fix.prefix]) {
      actions.push({
        name: `Add PREFIX ${fix.prefix}:`,
        apply: (v) => { const c = prefixChange(v.state.doc, fix.prefix, prefixes); if (c) v.dispatch({ changes: c }); },
      });
    }
    view.dispatch(setDiagnostics(view.state, [{ from, to, severity: "error", message, actions }]));
    view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
  }

  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    focus: () => view.focus(),
    markError,
    clearErrors: () => view.dispatch(setDiagnostics(view.state, [])),
    addPrefix: (prefix) => {
      const c = prefixChange(view.state.doc, prefix, prefixes);
      if (c) view.dispatch({ changes: c });
      return Boolean(c);
    },
  };
}
