//! YAML tree -> rule model.

use super::condition;
use super::*;
use crate::syntax::yaml::{Document, Entry, NodeKind, Style};

pub(super) fn rules(text: &str, yaml: &YamlFile) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut global: Option<Rule> = None;
    for (index, doc) in yaml.documents.iter().enumerate() {
        let Some(rule) = rule(text, index, doc) else {
            continue;
        };
        if rule.kind == RuleKind::Global {
            global = Some(rule.clone());
            rules.push(rule);
        } else {
            rules.push(match &global {
                Some(global) => inherit(rule, global),
                None => rule,
            });
        }
    }
    rules
}

/// A document after an `action: global` one gets the global parts it lacks.
fn inherit(mut rule: Rule, global: &Rule) -> Rule {
    macro_rules! take_missing {
        ($($field:ident),*) => {$(
            if rule.$field.is_none() {
                rule.$field = global.$field.clone();
            }
        )*};
    }
    take_missing!(
        title,
        id,
        status,
        level,
        description,
        author,
        date,
        modified,
        license
    );
    for list in [
        (&mut rule.tags, &global.tags),
        (&mut rule.references, &global.references),
        (&mut rule.falsepositives, &global.falsepositives),
    ] {
        if list.0.is_empty() {
            list.0.clone_from(list.1);
        }
    }
    match (&mut rule.logsource, &global.logsource) {
        (None, Some(shared)) => rule.logsource = Some(shared.clone()),
        (Some(own), Some(shared)) => {
            own.category = own.category.take().or_else(|| shared.category.clone());
            own.product = own.product.take().or_else(|| shared.product.clone());
            own.service = own.service.take().or_else(|| shared.service.clone());
        }
        _ => {}
    }
    match (&mut rule.detection, &global.detection) {
        (None, Some(shared)) => rule.detection = Some(shared.clone()),
        (Some(own), Some(shared)) => {
            own.selections.extend(shared.selections.iter().cloned());
            if own.conditions.is_empty() {
                own.conditions.clone_from(&shared.conditions);
            }
        }
        _ => {}
    }
    rule
}

fn rule(text: &str, index: usize, doc: &Document) -> Option<Rule> {
    let root = doc.root.as_ref()?;
    root.as_mapping()?;
    let kind = if root.get("action").and_then(Node::as_str) == Some("global") {
        RuleKind::Global
    } else if root.entry("correlation").is_some() {
        RuleKind::Correlation
    } else if root.entry("filter").is_some() && root.entry("detection").is_none() {
        RuleKind::Filter
    } else {
        RuleKind::Detection
    };
    let detection_node = match kind {
        RuleKind::Filter => root.get("filter"),
        _ => root.get("detection"),
    };
    Some(Rule {
        kind,
        document: index,
        range: root.range,
        title: string(root, "title"),
        id: string(root, "id"),
        name: string(root, "name"),
        status: string(root, "status"),
        level: string(root, "level"),
        description: string(root, "description"),
        author: string(root, "author"),
        date: string(root, "date"),
        modified: string(root, "modified"),
        license: string(root, "license"),
        tags: strings(root, "tags"),
        references: strings(root, "references"),
        falsepositives: strings(root, "falsepositives"),
        fields: strings(root, "fields"),
        related: related(root),
        logsource: root.get("logsource").and_then(logsource),
        detection: detection_node.and_then(|node| detection(text, node)),
    })
}

fn spanned_scalar(node: &Node) -> Option<SpannedStr> {
    let scalar = node.as_scalar()?;
    Some(Spanned::new(scalar.value.clone(), node.range))
}

fn string(map: &Node, key: &str) -> Option<SpannedStr> {
    map.get(key)
        .filter(|n| !n.is_null())
        .and_then(spanned_scalar)
}

/// A list of scalars; a lone scalar counts as a one-item list.
fn strings(map: &Node, key: &str) -> Vec<SpannedStr> {
    match map.get(key) {
        Some(node) => match node.as_sequence() {
            Some(items) => items.iter().filter_map(spanned_scalar).collect(),
            None => spanned_scalar(node)
                .filter(|_| !node.is_null())
                .into_iter()
                .collect(),
        },
        None => Vec::new(),
    }
}

fn related(root: &Node) -> Vec<Related> {
    let Some(items) = root.get("related").and_then(Node::as_sequence) else {
        return Vec::new();
    };
    items
        .iter()
        .filter(|item| item.as_mapping().is_some())
        .map(|item| Related {
            id: string(item, "id"),
            kind: string(item, "type"),
            range: item.range,
        })
        .collect()
}

fn logsource(node: &Node) -> Option<LogSource> {
    node.as_mapping()?;
    Some(LogSource {
        category: string(node, "category"),
        product: string(node, "product"),
        service: string(node, "service"),
        definition: string(node, "definition"),
        range: node.range,
    })
}

fn detection(text: &str, node: &Node) -> Option<Detection> {
    let entries = node.as_mapping()?;
    let mut detection = Detection {
        range: node.range,
        selections: Vec::new(),
        conditions: Vec::new(),
        timeframe: None,
    };
    for entry in entries {
        let Some(name) = entry.key_str() else {
            continue;
        };
        match name {
            "condition" => detection.conditions = conditions(text, &entry.value),
            "timeframe" => detection.timeframe = spanned_scalar(&entry.value),
            // Filter rules list the rules they apply to beside the selections.
            "rules" => {}
            _ => detection.selections.push(selection(entry)),
        }
    }
    Some(detection)
}

fn conditions(text: &str, node: &Node) -> Vec<ParsedCondition> {
    let nodes: Vec<&Node> = match node.as_sequence() {
        Some(items) => items.iter().collect(),
        None => vec![node],
    };
    nodes
        .into_iter()
        .filter_map(|node| {
            let scalar = node.as_scalar()?;
            let base = inner_start(text, node);
            let parsed = match base {
                Some(base) => condition::parse(&scalar.value, &|offset| base + offset),
                // Escapes or line folding: offsets inside cannot be mapped, so
                // every range covers the whole scalar.
                None => condition::parse(&scalar.value, &|offset| {
                    if offset == 0 {
                        node.range.start
                    } else {
                        node.range.end
                    }
                }),
            };
            Some(ParsedCondition {
                text: Spanned::new(scalar.value.clone(), node.range),
                parsed,
            })
        })
        .collect()
}

/// Where a scalar's value starts in the text, when the value is a verbatim
/// slice of it (plain, or quoted without escapes, on one line).
pub(crate) fn inner_start(text: &str, node: &Node) -> Option<u32> {
    let scalar = node.as_scalar()?;
    let source = node.range.slice(text);
    let inner = match scalar.style {
        Style::Plain => source,
        Style::SingleQuoted | Style::DoubleQuoted => source.get(1..source.len().checked_sub(1)?)?,
        Style::Literal | Style::Folded => return None,
    };
    (inner == scalar.value).then(|| node.range.start + (source.len() - inner.len()).min(1) as u32)
}

fn selection(entry: &Entry) -> Selection {
    let name = Spanned::new(
        entry.key_str().unwrap_or_default().to_string(),
        entry.key.range,
    );
    let node = &entry.value;
    let body = match &node.kind {
        NodeKind::Mapping(_) => SelectionBody::Maps {
            maps: vec![field_map(node)],
            is_list: false,
        },
        NodeKind::Sequence(items)
            if !items.is_empty() && items.iter().all(|i| i.as_mapping().is_some()) =>
        {
            SelectionBody::Maps {
                maps: items.iter().map(field_map).collect(),
                is_list: true,
            }
        }
        NodeKind::Sequence(items) if !items.is_empty() => {
            SelectionBody::Keywords(items.iter().map(value).collect())
        }
        NodeKind::Scalar(_) if !node.is_null() => SelectionBody::Keywords(vec![value(node)]),
        _ => SelectionBody::Invalid,
    };
    Selection {
        name,
        body,
        value_range: node.range,
    }
}

fn field_map(node: &Node) -> FieldMap {
    FieldMap {
        items: node
            .as_mapping()
            .unwrap_or_default()
            .iter()
            .map(field_item)
            .collect(),
        range: node.range,
    }
}

fn field_item(entry: &Entry) -> FieldItem {
    let key_text = entry.key_str().unwrap_or_default();
    let key = Spanned::new(key_text.to_string(), entry.key.range);
    // Offsets inside the key map to the text only for a verbatim key.
    let key_start = entry.key.range.start
        + u32::from(entry.key.as_scalar().is_some_and(|s| s.style.is_quoted()));
    let mut parts = key_text.split('|');
    let field_name = parts.next().unwrap_or_default();
    let field = Spanned::new(
        field_name.to_string(),
        TextRange::new(key_start, key_start + field_name.len() as u32),
    );
    let mut offset = key_start + field_name.len() as u32;
    let modifiers = parts
        .map(|name| {
            let start = offset + 1;
            offset = start + name.len() as u32;
            Spanned::new(
                Modifier::parse(name).ok_or_else(|| name.to_string()),
                TextRange::new(start, offset),
            )
        })
        .collect();
    let node = &entry.value;
    let (values, is_list) = match node.as_sequence() {
        Some(items) => (items.iter().map(value).collect(), true),
        None => (vec![value(node)], false),
    };
    FieldItem {
        key,
        field,
        modifiers,
        values,
        is_list,
        value_range: node.range,
    }
}

fn value(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Scalar(scalar) => Value {
            text: scalar.value.clone(),
            kind: value_kind(scalar.kind()),
            quoted: scalar.style.is_quoted(),
            range: node.range,
        },
        _ => Value {
            text: String::new(),
            kind: ValueKind::Invalid(node.type_name()),
            quoted: false,
            range: node.range,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = "\
title: Netsh port forwarding
id: 6e8a2c3c-2b8b-4b4a-9d3b-4a4c8f1c2d11
status: test
tags:
    - attack.t1090
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\netsh.exe'
        CommandLine|contains|all:
            - 'interface'
            - 'portproxy'
    filter_main:
        - ParentImage: 'C:\\Windows\\explorer.exe'
        - User|contains: 'SYSTEM'
    keywords:
        - 'tunnel'
    condition: selection and not 1 of filter_*
level: high
";

    #[test]
    fn builds_the_model_with_ranges() {
        let file = RuleFile::parse(RULE);
        assert!(file.yaml.errors.is_empty());
        assert!(file.is_sigma());
        let [rule] = file.rules.as_slice() else {
            panic!()
        };
        assert_eq!(rule.kind, RuleKind::Detection);
        assert_eq!(rule.title.as_ref().unwrap().value, "Netsh port forwarding");
        assert_eq!(rule.tags[0].value, "attack.t1090");
        let logsource = rule.logsource.as_ref().unwrap();
        assert_eq!(logsource.key(), "process_creation/windows/");

        let detection = rule.detection.as_ref().unwrap();
        let selection = detection.selection("selection").unwrap();
        let items: Vec<_> = selection.field_items().collect();
        assert_eq!(items[0].field.range.slice(RULE), "Image");
        assert_eq!(items[0].modifiers[0].range.slice(RULE), "endswith");
        assert_eq!(items[0].values[0].text, "\\netsh.exe");
        assert!(items[1].has(Modifier::All));
        assert_eq!(items[1].values.len(), 2);

        let SelectionBody::Maps { maps, is_list } =
            &detection.selection("filter_main").unwrap().body
        else {
            panic!()
        };
        assert!(is_list);
        assert_eq!(maps.len(), 2);
        assert!(matches!(
            detection.selection("keywords").unwrap().body,
            SelectionBody::Keywords(_)
        ));

        let condition = detection.conditions[0].parsed.as_ref().unwrap();
        let refs = condition.references();
        assert_eq!(refs[1].range.slice(RULE), "filter_*");
        assert_eq!(detection.matching("filter_*").count(), 1);
    }

    #[test]
    fn quoted_keys_and_conditions_keep_exact_ranges() {
        let text = "detection:\n  sel:\n    'CommandLine|contains': x\n  condition: 'sel'\n";
        let file = RuleFile::parse(text);
        let detection = file.rules[0].detection.as_ref().unwrap();
        let item = detection.selections[0].field_items().next().unwrap();
        assert_eq!(item.field.range.slice(text), "CommandLine");
        assert_eq!(item.modifiers[0].range.slice(text), "contains");
        let condition = detection.conditions[0].parsed.as_ref().unwrap();
        assert_eq!(condition.range().slice(text), "sel");
    }

    #[test]
    fn global_action_documents_share_their_parts() {
        let text = "\
action: global
title: Shared
detection:
    condition: selection
---
logsource:
    product: windows
detection:
    selection:
        EventID: 1
";
        let file = RuleFile::parse(text);
        assert_eq!(file.rules.len(), 2);
        assert_eq!(file.rules[0].kind, RuleKind::Global);
        let second = &file.rules[1];
        assert_eq!(second.title.as_ref().unwrap().value, "Shared");
        let detection = second.detection.as_ref().unwrap();
        assert_eq!(detection.conditions.len(), 1);
        assert!(detection.selection("selection").is_some());
    }

    #[test]
    fn correlation_and_filter_rules_are_recognised() {
        let correlation = RuleFile::parse("title: c\ncorrelation:\n  type: event_count\n");
        assert_eq!(correlation.rules[0].kind, RuleKind::Correlation);
        assert!(correlation.is_sigma());
        let filter = RuleFile::parse(
            "title: f\nlogsource:\n  product: windows\nfilter:\n  rules: [a]\n  selection:\n    User: x\n  condition: not selection\n",
        );
        let rule = &filter.rules[0];
        assert_eq!(rule.kind, RuleKind::Filter);
        assert_eq!(rule.detection.as_ref().unwrap().selections.len(), 1);
    }

    #[test]
    fn other_yaml_is_not_sigma() {
        assert!(!RuleFile::parse("name: ci\non: push\n").is_sigma());
        assert!(!RuleFile::parse("").is_sigma());
    }
}
