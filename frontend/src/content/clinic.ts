// The institution as the public pages present it. To use real photographs, put them in
// frontend/public/images/ and change `src` (and `alt`) below; nothing else refers to the files.

export const CLINIC = {
  name: 'QHealth Medical Centre',
  tagline: 'Specialist care and diagnostics under one roof',
  description: [
    'QHealth Medical Centre is a private outpatient clinic in central Malmö. Our doctors, nurses and radiographers work side by side, so an examination, the doctor’s visit that follows and your prescription can all happen in the same place — often in the same week.',
    'Book an examination online, see every appointment with its time, and read your journal entries and prescriptions as soon as your doctor writes them.',
  ],
  address: ['Storgatan 12', '211 42 Malmö', 'Sweden'],
  phone: '040 123 45 00',
  hours: [
    ['Monday – Thursday', '07:30 – 19:00'],
    ['Friday', '07:30 – 17:00'],
    ['Saturday', '09:00 – 13:00'],
  ] as [string, string][],
  /** Shown to visitors; signed-in people see the clinic's current list of examinations. */
  services: [
    { title: 'Imaging', text: 'MRI, CT, X-ray and ultrasound, read by our own radiologists.' },
    { title: 'Heart and lungs', text: 'ECG, exercise tests, 24-hour blood pressure and spirometry.' },
    { title: 'Laboratory', text: 'Blood and urine tests with most results the same day.' },
    { title: 'Specialist doctors', text: 'Cardiology, neurology, orthopaedics, dermatology and general practice.' },
  ],
  photos: [
    { src: '/images/clinic-exterior.svg', alt: 'The clinic’s entrance on Storgatan on a sunny morning', caption: 'Our building on Storgatan' },
    { src: '/images/reception.svg', alt: 'The bright reception area with chairs and a front desk', caption: 'Reception and waiting area' },
    { src: '/images/examination-room.svg', alt: 'An examination room with a bed, a lamp and medical equipment', caption: 'One of our examination rooms' },
    { src: '/images/imaging.svg', alt: 'The MRI suite with the scanner and its control window', caption: 'The imaging suite' },
  ],
} as const;
