// swift-tools-version:6.0
import PackageDescription

// One library target per stage of the pipeline (see README "Architecture"),
// a thin `longlora` executable on top. Native code comes from Debian:
// libopenblas-dev, libhdf5-dev, zlib1g-dev (scripts/setup.sh installs them).
// The attention kernel's softmax (an exp on every score) is vectorised with SIMD8; for
// plain x86-64 that compiles to SSE2 (two 4-wide halves, no FMA) and the exp cost almost
// as much as the tile products. So on x86-64 hosts Model is compiled for Haswell-class
// CPUs (AVX2, FMA; 2013 on), and `longlora` checks the CPU at start and says how to
// rebuild if it lacks them: LONGLORA_PORTABLE=1 builds for any x86-64.
#if arch(x86_64)
let haswellISA = Context.environment["LONGLORA_PORTABLE"] != "1"
#else
let haswellISA = false
#endif
// The define tells Model's code (fused multiply-adds) and `longlora`'s start-up check (and its test).
let vectorISACheck: [SwiftSetting] = haswellISA ? [.define("LONGLORA_HASWELL_ISA")] : []
let vectorISA: [SwiftSetting] = vectorISACheck + (haswellISA ? [.unsafeFlags(["-target-cpu", "haswell"])] : [])

let package = Package(
    name: "LongLoRABench",
    products: [
        .executable(name: "longlora", targets: ["longlora"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // SHA-256 of content hashes and manifests (BoringSSL's on Linux).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // RFC 4180 quoting of the CSV tables.
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        // System libraries; each module map adds a header of static inline shims
        // for what Swift cannot import (macros, global ids).
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "Support", dependencies: [.product(name: "CSV", package: "CSV.swift")]),
        // SHA-256 from swift-crypto, kept out of Support: the code-fingerprint build tool
        // depends on Support, and SwiftPM compiles a tool's dependencies a second time for
        // the host, which would build BoringSSL twice in every build.
        .target(name: "Hashing", dependencies: ["Support", .product(name: "Crypto", package: "swift-crypto")]),
        // The code fingerprint of a run's content hash: generated on every build from the
        // sources, Package.swift and the resolved dependencies (Support/CodeFingerprint.swift).
        .executableTarget(name: "code-fingerprint", dependencies: ["Support"]),
        .plugin(name: "CodeFingerprintPlugin", capability: .buildTool(), dependencies: ["code-fingerprint"]),
        .target(name: "CodeIdentity", plugins: ["CodeFingerprintPlugin"]),
        // The hot loops in C: the attention kernel's tile products and online softmax, and
        // the elementwise routines that need exp (SwiGLU, the cross-entropy's softmax). Each
        // source compiled for AVX-512, AVX2 and plain x86-64, the copy chosen at load time.
        // Optimised in debug builds too (tests train small models).
        .target(name: "CVectorKernels", cSettings: [.unsafeFlags(["-O3", "-ffp-contract=on"])]),
        .target(name: "Kernels", dependencies: ["COpenBLAS", "CVectorKernels", "Support"]),
        .target(name: "Model", dependencies: ["Kernels", "CVectorKernels", "Support"], swiftSettings: vectorISA),
        .target(name: "Training", dependencies: ["Model", "Data", "Kernels", "Support"]),
        .target(name: "Data", dependencies: ["CZlib", "Kernels", "Support", "Hashing", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Evaluation", dependencies: ["Model", "Data", "Kernels", "Support"]),
        .target(name: "Metrics", dependencies: ["Model", "Kernels", "Support"]),
        .target(name: "Results", dependencies: ["CHDF5", "Support", "Hashing", .product(name: "Crypto", package: "swift-crypto")]),
        // Tables, figures, exports and checks drawn from result files. No run reads them, so
        // they are not part of the code fingerprint (CodeFingerprint.renderingTargets): a
        // restyled figure or a new export format does not make every result stale.
        .target(name: "Reports", dependencies: ["Results", "Support"]),
        .target(name: "Experiments", dependencies: [
            "Kernels", "Model", "Training", "Data", "Evaluation", "Metrics", "Results", "Support", "Hashing", "CodeIdentity",
            .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "longlora", dependencies: [
            "Experiments", "Model", "Training", "Data", "Evaluation", "Metrics", "Results", "Reports", "Kernels", "Support",
            "CodeIdentity", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: vectorISACheck),

        .testTarget(name: "SupportTests", dependencies: ["Support", "Hashing", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "CVectorKernels"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "Kernels"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Model", "Data", "Kernels"]),
        .testTarget(name: "DataTests", dependencies: ["Data", "Support", "Hashing", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Model", "Data"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Model", "Support"]),
        .testTarget(name: "ResultsTests", dependencies: ["Results", "Reports", "Support", "Kernels"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Data", "Results", "Reports", "Kernels", "Model", "Evaluation", "Training"]),
        .testTarget(name: "CLITests", dependencies: ["longlora", "Results", "Reports", "Support", "Model", "Kernels",
                                                  .product(name: "CSV", package: "CSV.swift")],
                    swiftSettings: vectorISACheck),
    ],
    swiftLanguageModes: [.v5]
)
