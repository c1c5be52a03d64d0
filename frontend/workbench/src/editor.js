// The workbench's SPARQL editor: CodeMirror 6 with the SPARQL mode, our prefixes, classes and properties
// completed from /query/vocabulary.json (nothing fetched from outside), and Ctrl/Cmd+Enter to run.
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { Prec } from "@codemirror/state";
import { StreamLanguage } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { autocompletion } from "@codemirror/autocomplete";

const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "UNION", "MINUS", "GRAPH", "BIND", "VALUES",
  "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "COUNT", "SAMPLE",
  "GROUP_CONCAT", "STR", "LANG", "LANGMATCHES", "CONTAINS", "STRSTARTS", "REGEX", "YEAR", "BOUND", "COALESCE", "IF",
  "NOT EXISTS", "EXISTS", "AS", "DESC", "ASC", "LCASE", "UCASE", "STRLEN", "FROM NAMED", "FROM"];

// vocab: {prefixes: {p: iri}, terms: [{iri, curie, label, kind}]}
function completer(vocab) {
  const prefixOptions = Object.entries(vocab.prefixes || {}).map(([p, iri]) => ({
    label: p + ":", type: "namespace", detail: iri,
  }));
  const termOptions = (vocab.terms || []).map((t) => ({
    label: t.curie, type: t.kind === "class" ? "class" : "property", detail: t.label || "", info: t.iri,
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
        options: Object.entries(vocab.prefixes || {}).map(([p, iri]) => ({
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
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    focus: () => view.focus(),
  };
}
