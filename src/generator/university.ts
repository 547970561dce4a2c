// The synthetic university the generator simulates: people, courses and their
// content, and the state that makes behaviour consistent over time (enrolments,
// video positions, submissions waiting to be graded).
import { Rng } from './rng.js'
import { DEVICE_TYPES, MATERIAL_TYPES } from '../events/contract.js'
import type { DeviceType } from '../events/types.js'

export interface PopulationOptions {
  students: number
  teachers: number
  courses: number
}

export interface Student {
  id: string
  /** Relative activity (sessions per day, median ~1.5); heavy-tailed across students. */
  activity: number
  /** Probability of answering a quiz question correctly. */
  ability: number
  device: DeviceType
  courses: number[]
  /** Enrolment history for drops/re-enrolments. */
  dropped: number[]
}

export interface Teacher {
  id: string
  courses: number[]
}

export interface Video {
  id: string
  lengthSeconds: number
}

export interface Assignment {
  id: string
  /** Due date in epoch ms. */
  due: number
  maxScore: number
}

export interface Quiz {
  id: string
  questions: number
  pointsPerQuestion: number
}

export interface Material {
  id: string
  type: (typeof MATERIAL_TYPES)[number]
  sizeBytes: number
}

export interface Course {
  id: string
  teacher: number
  students: number[]
  videos: Video[]
  assignments: Assignment[]
  quizzes: Quiz[]
  materials: Material[]
  /** Submissions waiting for the teacher: [student index, assignment index]. */
  toGrade: Array<[number, number]>
}

const DAY = 86_400_000

export class University {
  readonly students: Student[] = []
  readonly teachers: Teacher[] = []
  readonly courses: Course[] = []
  /** Highest `activity` of any student, for rejection sampling of who starts a session. */
  maxActivity = 0
  /** Sum of `activity`: expected student sessions per day. */
  totalActivity = 0
  /** `${student}:${video}` → last position in seconds (resume point). */
  readonly positions = new Map<string, number>()
  /** `${student}:${assignment id}` → submissions so far. */
  readonly submissions = new Map<string, number>()
  /** `${student}:${quiz id}` → attempts so far. */
  readonly quizAttempts = new Map<string, number>()
  /** Assignments a student has opened but not yet submitted: student → [course, assignment]. */
  readonly pendingWork = new Map<number, Array<[number, number]>>()

  private readonly rng: Rng

  constructor(opts: PopulationOptions, start: number, rng: Rng) {
    this.rng = rng
    for (let c = 0; c < opts.courses; c++) this.courses.push(this.makeCourse(c, start))
    for (let t = 0; t < opts.teachers; t++) this.teachers.push({ id: `t${t + 1}`, courses: [] })
    // Each course has one teacher; teachers hold one to a few courses.
    this.courses.forEach((course, c) => {
      course.teacher = c % Math.max(1, opts.teachers)
      this.teachers[course.teacher]?.courses.push(c)
    })
    for (let s = 0; s < opts.students; s++) this.addStudent(this.rng.between(2, 5))
  }

  private makeCourse(c: number, start: number): Course {
    const rng = this.rng
    const id = `c${c + 1}`
    const videos: Video[] = []
    const nVideos = rng.between(8, 24)
    for (let v = 0; v < nVideos; v++) {
      videos.push({ id: `${id}-v${v + 1}`, lengthSeconds: Math.round(rng.lognormal(600, 0.6)) + 60 })
    }
    const assignments: Assignment[] = []
    const nAssignments = rng.between(4, 10)
    for (let a = 0; a < nAssignments; a++) {
      assignments.push({
        id: `${id}-a${a + 1}`,
        // spread due dates over the coming weeks so some submissions are late
        due: start + (a + 1) * rng.between(2, 6) * DAY,
        maxScore: rng.pick([10, 20, 50, 100]),
      })
    }
    const quizzes: Quiz[] = []
    const nQuizzes = rng.between(3, 8)
    for (let q = 0; q < nQuizzes; q++) {
      quizzes.push({ id: `${id}-q${q + 1}`, questions: rng.between(5, 15), pointsPerQuestion: rng.pick([1, 2, 5]) })
    }
    const materials: Material[] = []
    const nMaterials = rng.between(6, 20)
    for (let m = 0; m < nMaterials; m++) {
      const type = rng.pick(MATERIAL_TYPES)
      const sizeBytes = type === 'link' || type === 'page' ? rng.between(2_000, 60_000) : rng.between(80_000, 25_000_000)
      materials.push({ id: `${id}-m${m + 1}`, type, sizeBytes })
    }
    return { id, teacher: 0, students: [], videos, assignments, quizzes, materials, toGrade: [] }
  }

  /** Adds a student enrolled in `nCourses` random courses; returns its index. */
  addStudent(nCourses: number): number {
    const rng = this.rng
    const s = this.students.length
    const courses = rng.sample(
      this.courses.map((_, i) => i),
      nCourses,
    )
    const student: Student = {
      id: `s${s + 1}`,
      activity: Math.min(12, rng.lognormal(1.5, 0.7)),
      ability: Math.min(0.98, Math.max(0.2, 0.45 + rng.float() * 0.5)),
      device: rng.chance(0.55) ? 'web' : rng.pick(DEVICE_TYPES),
      courses,
      dropped: [],
    }
    this.students.push(student)
    for (const c of courses) this.courses[c]!.students.push(s)
    if (student.activity > this.maxActivity) this.maxActivity = student.activity
    this.totalActivity += student.activity
    return s
  }

  enrol(s: number, c: number): void {
    const student = this.students[s]!
    if (student.courses.includes(c)) return
    student.courses.push(c)
    student.dropped = student.dropped.filter((d) => d !== c)
    this.courses[c]!.students.push(s)
  }

  drop(s: number, c: number): void {
    const student = this.students[s]!
    student.courses = student.courses.filter((x) => x !== c)
    student.dropped.push(c)
    const course = this.courses[c]!
    course.students = course.students.filter((x) => x !== s)
  }

  /** A student chosen with probability proportional to their activity. */
  pickActiveStudent(): number {
    const rng = this.rng
    for (;;) {
      const s = rng.int(this.students.length)
      if (rng.float() * this.maxActivity < this.students[s]!.activity) return s
    }
  }
}
