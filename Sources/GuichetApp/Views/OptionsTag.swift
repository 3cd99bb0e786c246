import LeafKit

/// `#options(list)`: the `<option>` elements of a `<select>`, from view-model options with
/// `value`, `label` and `selected` (``QueuePage/Option``), each value and label HTML-escaped.
///
/// A filter offers up to 130 territories to a national user: written as a Leaf loop, each option
/// copied the page's whole context and resolved four expressions, half of the queue page's
/// rendering. The element's markup is fixed, so it is written here once; the options stay typed
/// data in the view model, and the `<select>` with its label stays in the template.
struct OptionsTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        try ctx.requireParameterCount(1)
        guard let options = ctx.parameters[0].array else {
            throw LeafError(.unknownError("#options : une liste d'options est attendue"))
        }
        var w = HTMLWriter(capacity: options.count * 48)
        for option in options {
            guard let fields = option.dictionary else { continue }
            w.option(
                value: fields["value"]?.string ?? "", label: fields["label"]?.string ?? "",
                selected: fields["selected"]?.bool == true)
        }
        return .string(w.html)
    }
}
