/// Vector files written before the common format, read as if they were in it: each known layout
/// is turned into an algorithm name plus test objects, then judged like any other file.
enum VectorLayouts {
    /// Returns (algorithm, tests) for a recognised legacy layout, nil otherwise.
    static func adapt(_ document: [String: Any]) -> (algorithm: String, tests: [[String: Any]])? {
        if document["base_multiples"] != nil, document["wide_reductions"] != nil {
            return ("Ed25519-Group", ed25519Group(document))
        }
        return nil
    }

    /// Vectors/ed25519/group.json (made by Vectors/generators/ed25519_group.py): encodings the
    /// group type must reject, and base multiples / point sums / scalar operations / wide
    /// reductions to reproduce. Missing or mistyped parts become cases that fail as malformed.
    static func ed25519Group(_ d: [String: Any]) -> [[String: Any]] {
        var tests: [[String: Any]] = []
        if let base = d["base_point"] {
            tests.append(["op": "decode", "comment": "base point", "point": base, "result": "valid"])
        }
        for list in ["small_order_points", "negative_zero_points", "non_canonical_points", "off_curve_points"] {
            guard let points = d[list] as? [Any] else {
                tests.append(["op": "decode", "comment": "\(list) missing", "result": "invalid"])
                continue
            }
            for point in points {
                tests.append(["op": "decode", "comment": list, "point": point, "result": "invalid"])
            }
        }
        if let mixed = d["mixed_order_point"] {
            tests.append(["op": "decode", "comment": "mixed_order_point", "point": mixed, "result": "invalid"])
        }
        for (list, op) in [("base_multiples", "baseMultiple"), ("point_sums", "pointSum"),
                           ("scalar_ops", "scalarOps"), ("wide_reductions", "wideReduction")] {
            for entry in d[list] as? [Any] ?? [] {
                var test = entry as? [String: Any] ?? [:]
                test["op"] = op
                test["comment"] = list
                tests.append(test)
            }
        }
        for (index, _) in tests.enumerated() { tests[index]["tcId"] = index + 1 }
        return tests
    }
}
