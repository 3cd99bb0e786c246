import Foundation

extension DepartmentMap {
    /// Picture width and the square the metropole (or the focus) is fitted into, in SVG units;
    /// 620 units drawn at about 620 px keep the 14-unit legend text at a readable 14 px.
    static let width = 620.0
    static let margin = 10.0
    static let mapSide = 600.0
    static let insetGap = 10.0
    /// Neutral grey for départements outside the focus, lighter than every class and flat
    /// (no hatching), so that it reads as background rather than as « Aucun montant ».
    static let contextFill = "#dddddd"

    /// What is drawn where: the part of the metropole shown, at which scale, and which insets.
    struct Layout {
        /// The metropole frame shown, in Lambert-93 km from the top-left of the metropole; nil
        /// when only overseas départements are focused.
        var frame: PlaneBox?
        var scale: Double
        var shapes: [MapShape]
        var context: [MapShape]
        var insets: [MapShape]
    }

    func layout(in map: FranceMapGeometry) -> Layout {
        guard let focus else {
            let frame = map.metropoleBounds.padded(by: 0.01)
            return Layout(
                frame: frame, scale: Self.scale(for: frame), shapes: map.metropole, context: [], insets: map.overseas)
        }
        let shapes = map.metropole.filter { focus.contains($0.code) }
        let frame = shapes.dropFirst().reduce(shapes.first?.bounds) { $0?.union($1.bounds) }?.padded(by: 0.04)
        let context =
            frame.map { frame in map.metropole.filter { !focus.contains($0.code) && $0.bounds.intersects(frame) } }
            ?? []
        return Layout(
            frame: frame, scale: frame.map(Self.scale(for:)) ?? 1, shapes: shapes, context: context,
            insets: map.overseas.filter { focus.contains($0.code) })
    }

    private static func scale(for frame: PlaneBox) -> Double {
        min(mapSide / max(frame.width, 0.1), mapSide / max(frame.height, 0.1))
    }

    func svg(geometry: Result<FranceMapGeometry, MapGeometryError>) -> String {
        let prefix = PictureSVG.safePrefix(idPrefix)
        let names = Self.names(in: geometry)
        let codes = shownCodes(in: geometry)
        let classes = ShadingClasses(values: codes.compactMap { values[$0] })
        guard case .success(let map) = geometry else {
            return PictureSVG.message(
                "Carte indisponible : les contours des départements n’ont pas pu être chargés.",
                prefix: prefix, title: title,
                desc: summary(codes: codes, names: names, classes: classes, hasInsets: false))
        }
        let layout = self.layout(in: map)
        let desc = summary(codes: codes, names: names, classes: classes, hasInsets: !layout.insets.isEmpty)
        guard !codes.isEmpty else {
            return PictureSVG.message("Aucun département à afficher.", prefix: prefix, title: title, desc: desc)
        }
        // Two hatchings: one sized for the scaled metropole group, one at picture scale for the
        // insets and the legend, so the lines look the same everywhere.
        let fill: (String, String) -> String = { code, hatch in
            classes.classIndex(of: values[code] ?? 0).map(classes.fill(ofClass:)) ?? "url(#\(prefix)-\(hatch))"
        }
        var body = ""
        var defs = Self.hatch(id: "\(prefix)-aucun-unite", size: 6)
        var y = Self.margin

        if let frame = layout.frame {
            let s = layout.scale
            let width = frame.width * s, height = frame.height * s
            let left = Self.margin + (Self.mapSide - width) / 2
            defs += Self.hatch(id: "\(prefix)-aucun", size: 6 / s)
            defs +=
                "<clipPath id=\"\(prefix)-cadre\"><rect x=\"\(PictureText.decimal(left))\" y=\"\(PictureText.decimal(y))\""
                + " width=\"\(PictureText.decimal(width))\" height=\"\(PictureText.decimal(height))\"/></clipPath>"
            body +=
                "<g clip-path=\"url(#\(prefix)-cadre)\"><g transform=\"translate(\(PictureSVG.precise(left - frame.minX * s))"
                + " \(PictureSVG.precise(y - frame.minY * s))) scale(\(PictureSVG.precise(s)))\""
                + " stroke=\"#ffffff\" stroke-width=\"\(PictureSVG.precise(0.8 / s))\" stroke-linejoin=\"round\">"
            for shape in layout.context {
                body +=
                    "<path data-code=\"\(PictureText.escaped(shape.code))\" data-contexte=\"\" fill=\"\(Self.contextFill)\" d=\"\(shape.path)\">"
                    + "<title>\(PictureText.escaped("\(shape.name) (\(shape.code)), hors sélection"))</title></path>"
            }
            for shape in layout.shapes { body += path(shape, fill: fill(shape.code, "aucun"), names: names) }
            body += "</g></g>"
            y += height + 16
        }

        if !layout.insets.isEmpty {
            let size = FranceMapGeometry.insetSize
            let count = Double(layout.insets.count)
            var x = Self.margin + (Self.mapSide - (count * size + (count - 1) * Self.insetGap)) / 2
            for shape in layout.insets {
                body +=
                    "<g transform=\"translate(\(PictureText.decimal(x)) \(PictureText.decimal(y)))\">"
                    + "<rect x=\"0\" y=\"0\" width=\"\(PictureText.decimal(size))\" height=\"\(PictureText.decimal(size))\" fill=\"none\" stroke=\"\(PictureSVG.mutedColour)\" stroke-width=\"0.75\"/>"
                    + "<g stroke=\"#ffffff\" stroke-width=\"0.6\" stroke-linejoin=\"round\">\(path(shape, fill: fill(shape.code, "aucun-unite"), names: names))</g>"
                    + PictureSVG.text(
                        "\(shape.name) (\(shape.code))", x: size / 2, y: size + 14, size: 11, anchor: "middle")
                    + "</g>"
                x += size + Self.insetGap
            }
            y += size + 30
        }

        body += legend(classes: classes, codes: codes, prefix: prefix, hasContext: !layout.context.isEmpty, y: &y)
        body += PictureSVG.text(
            "Contours : \(Self.attribution)", x: Self.margin, y: y + 10, size: 10, fill: PictureSVG.mutedColour)
        y += 14 + Self.margin
        return PictureSVG.document(
            width: Self.width, height: y, prefix: prefix, title: title, desc: desc, defs: defs, body: body)
    }

    /// One département, with its tooltip for sighted mouse users.
    private func path(_ shape: MapShape, fill: String, names: [String: String]) -> String {
        let tooltip = "\(Self.label(code: shape.code, names: names)) : \(text(of: shape.code))"
        return
            "<path data-code=\"\(PictureText.escaped(shape.code))\" fill=\"\(fill)\" d=\"\(shape.path)\"><title>\(PictureText.escaped(tooltip))</title></path>"
    }

    /// Swatches and wordings of the classes, then « Aucun montant » and « Hors sélection » when
    /// they appear; counts are given so the legend doubles as a summary.
    private func legend(
        classes: ShadingClasses, codes: [String], prefix: String, hasContext: Bool,
        y: inout Double
    ) -> String {
        var entries: [(fill: String, text: String)] = classes.ranges.indices.map { index in
            (
                classes.fill(ofClass: index),
                "\(classes.legendText(ofClass: index, label: valueText)) (\(Self.count(classes.ranges[index].count)))"
            )
        }
        let without = codes.filter { classes.classIndex(of: values[$0] ?? 0) == nil }.count
        if without > 0 || entries.isEmpty {
            entries.append(("url(#\(prefix)-aucun-unite)", "\(Self.noValueText) (\(Self.count(without)))"))
        }
        if hasContext { entries.append((Self.contextFill, "Hors sélection")) }
        var out = ""
        if let legendTitle {
            out += PictureSVG.text(legendTitle, x: Self.margin, y: y + 14, size: 14, weight: "bold")
            y += 24
        }
        for entry in entries {
            out +=
                "<rect x=\"\(PictureText.decimal(Self.margin))\" y=\"\(PictureText.decimal(y))\" width=\"24\" height=\"16\" fill=\"\(entry.fill)\" stroke=\"\(PictureSVG.mutedColour)\" stroke-width=\"0.5\"/>"
            out += PictureSVG.text(entry.text, x: Self.margin + 32, y: y + 13, size: 14)
            y += 24
        }
        return out
    }

    /// The « Aucun montant » hatching: grey lines on a light grey ground, a texture rather than a
    /// colour so it cannot be mistaken for the lightest class, even in greyscale print.
    static func hatch(id: String, size: Double) -> String {
        let side = PictureSVG.precise(size), half = PictureSVG.precise(size / 2)
        return
            "<pattern id=\"\(id)\" patternUnits=\"userSpaceOnUse\" width=\"\(side)\" height=\"\(side)\" patternTransform=\"rotate(45)\">"
            + "<rect width=\"\(side)\" height=\"\(side)\" fill=\"#f0f0f0\"/>"
            + "<line x1=\"\(half)\" y1=\"0\" x2=\"\(half)\" y2=\"\(side)\" stroke=\"#8a8a8a\" stroke-width=\"\(PictureSVG.precise(size / 3))\"/></pattern>"
    }
}
