// Tests of module Metrics live in this folder, one file per concept.
