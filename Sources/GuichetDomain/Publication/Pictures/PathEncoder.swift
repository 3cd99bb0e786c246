import Foundation

/// An axis-aligned rectangle in picture units (y pointing down, as in SVG).
struct PlaneBox: Sendable, Hashable {
    var minX: Double, minY: Double, maxX: Double, maxY: Double

    var width: Double { maxX - minX }
    var height: Double { maxY - minY }

    func union(_ other: PlaneBox) -> PlaneBox {
        PlaneBox(
            minX: min(minX, other.minX), minY: min(minY, other.minY),
            maxX: max(maxX, other.maxX), maxY: max(maxY, other.maxY))
    }

    func intersects(_ other: PlaneBox) -> Bool {
        minX <= other.maxX && other.minX <= maxX && minY <= other.maxY && other.minY <= maxY
    }

    func contains(_ other: PlaneBox) -> Bool {
        minX <= other.minX && minY <= other.minY && maxX >= other.maxX && maxY >= other.maxY
    }

    func padded(by fraction: Double) -> PlaneBox {
        let dx = width * fraction, dy = height * fraction
        return PlaneBox(minX: minX - dx, minY: minY - dy, maxX: maxX + dx, maxY: maxY + dy)
    }
}

/// Writes rings as compact SVG path data.
enum PathEncoder {
    /// The path data of the rings after `transform`, or nil when nothing is left to draw.
    ///
    /// Points are rounded to tenths first, then consecutive duplicates are dropped, so the
    /// relative moves are exact differences of rounded points and errors never accumulate.
    /// Rings narrower than `minimumExtent` tenths in both directions (islets a reader could not
    /// see) are skipped, and the others lose the points within `tolerance` tenths of the line
    /// through their neighbours (Douglas–Peucker): at the rounding's own scale this changes
    /// nothing visible but halves the size of the densely digitised overseas coasts.
    static func encode(
        _ rings: [[PlanePoint]], tolerance: Int, minimumExtent: Int,
        transform: (PlanePoint) -> PlanePoint
    ) -> (path: String, bounds: PlaneBox)? {
        var path = ""
        var minX = Int.max, minY = Int.max, maxX = Int.min, maxY = Int.min
        for ring in rings {
            var points: [(Int, Int)] = []
            points.reserveCapacity(ring.count)
            for point in ring {
                let p = transform(point)
                let rounded = (Int((p.x * 10).rounded()), Int((p.y * 10).rounded()))
                if let last = points.last, last == rounded { continue }
                points.append(rounded)
            }
            if points.count > 1, let first = points.first, let last = points.last, first == last { points.removeLast() }
            guard let xs = points.map(\.0).minAndMax, let ys = points.map(\.1).minAndMax,
                xs.max - xs.min >= minimumExtent || ys.max - ys.min >= minimumExtent
            else { continue }
            points = simplified(points, tolerance: tolerance)
            guard points.count >= 3 else { continue }
            for (x, y) in points {
                minX = min(minX, x)
                maxX = max(maxX, x)
                minY = min(minY, y)
                maxY = max(maxY, y)
            }
            path += "M" + PictureText.tenths(points[0].0) + " " + PictureText.tenths(points[0].1) + "l"
            var previous = points[0]
            var needsSeparator = false
            for point in points.dropFirst() {
                append(point.0 - previous.0, to: &path, separated: needsSeparator)
                append(point.1 - previous.1, to: &path, separated: true)
                needsSeparator = true
                previous = point
            }
            path += "z"
        }
        guard !path.isEmpty else { return nil }
        let box = PlaneBox(
            minX: Double(minX) / 10, minY: Double(minY) / 10, maxX: Double(maxX) / 10, maxY: Double(maxY) / 10)
        return (path, box)
    }

    /// A minus sign already separates two numbers in path data, so a space is only needed
    /// before a positive one.
    private static func append(_ value: Int, to path: inout String, separated: Bool) {
        if separated && value >= 0 { path += " " }
        path += PictureText.tenths(value)
    }

    /// Douglas–Peucker on a closed ring, split at its first point and the point farthest from it.
    static func simplified(_ points: [(Int, Int)], tolerance: Int) -> [(Int, Int)] {
        guard tolerance > 0, points.count > 4 else { return points }
        let first = points[0]
        let far = points.indices.max { squared(points[$0], first) < squared(points[$1], first) } ?? 0
        var keep = Array(repeating: false, count: points.count + 1)
        keep[0] = true
        keep[far] = true
        keep[points.count] = true
        let closed = points + [first]
        var stack = [(0, far), (far, points.count)]
        let limit = Double(tolerance * tolerance)
        while let (start, end) = stack.popLast() {
            guard end - start > 1 else { continue }
            var worst = start, worstDistance = -1.0
            for index in (start + 1)..<end {
                let distance = squaredDistance(closed[index], closed[start], closed[end])
                if distance > worstDistance {
                    worst = index
                    worstDistance = distance
                }
            }
            if worstDistance > limit {
                keep[worst] = true
                stack.append((start, worst))
                stack.append((worst, end))
            }
        }
        return points.indices.filter { keep[$0] }.map { points[$0] }
    }

    private static func squared(_ a: (Int, Int), _ b: (Int, Int)) -> Int {
        (a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)
    }

    /// Squared distance from `p` to the segment from `a` to `b`.
    private static func squaredDistance(_ p: (Int, Int), _ a: (Int, Int), _ b: (Int, Int)) -> Double {
        let dx = Double(b.0 - a.0), dy = Double(b.1 - a.1)
        let length = dx * dx + dy * dy
        let px = Double(p.0 - a.0), py = Double(p.1 - a.1)
        guard length > 0 else { return px * px + py * py }
        let t = max(0, min(1, (px * dx + py * dy) / length))
        let ex = px - t * dx, ey = py - t * dy
        return ex * ex + ey * ey
    }
}

private extension Array where Element == Int {
    var minAndMax: (min: Int, max: Int)? {
        guard let low = self.min(), let high = self.max() else { return nil }
        return (low, high)
    }
}
