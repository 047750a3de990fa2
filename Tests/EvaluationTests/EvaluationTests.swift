// Tests of module Evaluation live in this folder, one file per concept.
